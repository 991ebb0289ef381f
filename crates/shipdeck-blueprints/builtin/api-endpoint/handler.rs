//! `{{ method }} /{{ name | kebab_case }}`: {{ name }}.
//!
//! An axum handler: `.route("/{{ name | kebab_case }}", {{ method | lower }}(handler))`.
//! The response is built by a plain function so it can be tested without a server.

/// The JSON body of the response.
pub fn {{ name | snake_case }}_body() -> String {
    String::from(r#"{"ok":true,"endpoint":"{{ name | kebab_case }}"}"#)
}

/// The handler.
pub async fn handler() -> String {
    {{ name | snake_case }}_body()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn {{ name | snake_case }}_answers_ok() {
        let body = {{ name | snake_case }}_body();
        assert!(body.contains(r#""ok":true"#), "{body}");
        assert!(body.contains("{{ name | kebab_case }}"), "{body}");
    }
}
