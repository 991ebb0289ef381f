"""{{ method }} /{{ name | kebab_case }}: {{ name }}."""

from fastapi import APIRouter

router = APIRouter()


@router.{{ method | lower }}("/{{ name | kebab_case }}")
def {{ name | snake_case }}() -> dict:
    return {"ok": True, "endpoint": "{{ name | kebab_case }}"}
