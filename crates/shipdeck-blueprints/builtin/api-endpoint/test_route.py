from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.routes.{{ name | snake_case }} import router

app = FastAPI()
app.include_router(router)
client = TestClient(app)


def test_{{ name | snake_case }}_answers_ok():
    response = client.{{ method | lower }}("/{{ name | kebab_case }}")
    assert response.status_code == 200
    assert response.json() == {"ok": True, "endpoint": "{{ name | kebab_case }}"}
