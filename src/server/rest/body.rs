//! Request bodies as upstream reads them: a JSON object, or URL-encoded form fields, checked field
//! by field with its validator's messages before anything reaches a service.
//!
//! Limits: the router caps a JSON body's size ([`JSON_BODY_LIMIT`]), and serde_json refuses
//! nesting deeper than 128 levels; both answer 4xx JSON, never 500.

use super::errors::ApiError;
use axum::{
    body::Bytes,
    extract::{FromRequest, Request},
    http::{header, HeaderMap, StatusCode},
};
use serde_json::{Map, Value};

/// The largest JSON (or form) body the API reads. A product with ten image links and a long
/// description is a few kilobytes; uploads have their own, larger limit.
pub const JSON_BODY_LIMIT: usize = 64 * 1024;

/// Below this, every whole `f64` is exactly a whole `i64` (2^53).
const WHOLE_AS_DIGITS: f64 = 9_007_199_254_740_992.0;

/// A request body's fields. An empty body is an object without fields (so a create reports
/// every missing field); JSON that is not an object is refused.
pub struct Fields(pub Map<String, Value>);

impl<S: Send + Sync> FromRequest<S> for Fields {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, ApiError> {
        let headers = request.headers().clone();
        let bytes = Bytes::from_request(request, state).await.map_err(|rejection| {
            if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::TooLarge { max_bytes: JSON_BODY_LIMIT as u64 }
            } else {
                ApiError::Malformed(rejection.body_text())
            }
        })?;
        parse(&headers, &bytes).map(Fields)
    }
}

fn parse(headers: &HeaderMap, bytes: &[u8]) -> Result<Map<String, Value>, ApiError> {
    let content_type = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default();
    if content_type.starts_with("application/x-www-form-urlencoded") {
        // The form parser would put U+FFFD where a byte or an escape (`%FF`) is not UTF-8, and
        // that would be stored; a JSON body that is not UTF-8 is refused by its parser.
        if percent_encoding::percent_decode(bytes).decode_utf8().is_err() {
            return Err(ApiError::Malformed("The body is not valid UTF-8.".into()));
        }
        return Ok(form_fields(bytes));
    }
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(Map::new());
    }
    match serde_json::from_slice(bytes) {
        Ok(Value::Object(fields)) => Ok(fields),
        Ok(_) => Err(ApiError::Malformed("The body must be a JSON object.".into())),
        Err(error) => Err(ApiError::Malformed(error.to_string())),
    }
}

/// One name of a URL-encoded body: whether it is a list, and its values with their indexes.
struct FormField {
    name: String,
    listed: bool,
    values: Vec<(Option<u64>, String)>,
}

/// URL-encoded fields as upstream's body parser reads them: a field named once is text; a field
/// named more than once (`images=a&images=b`), or with brackets (`images[]=a`, `images[0]=a`), is
/// a list of its values, in the order of their indexes (`images[1]=b&images[0]=a` is `[a, b]`),
/// then in the order sent.
fn form_fields(bytes: &[u8]) -> Map<String, Value> {
    // Fields in the order they first came, found by name through a map (a 64 KiB body holds
    // thousands of names).
    let mut named: Vec<FormField> = Vec::new();
    let mut position = std::collections::HashMap::new();
    for (key, value) in url::form_urlencoded::parse(bytes).into_owned() {
        let (name, listed, index) = match key.strip_suffix(']').and_then(|k| k.split_once('[')) {
            Some((name, index)) if index.bytes().all(|b| b.is_ascii_digit()) => {
                // An index too long for 64 bits still sorts after every other.
                (name.to_owned(), true, (!index.is_empty()).then(|| index.parse().unwrap_or(u64::MAX)))
            }
            _ => (key, false, None),
        };
        match position.get(&name) {
            Some(&at) => {
                let field: &mut FormField = &mut named[at];
                field.listed = true;
                field.values.push((index, value));
            }
            None => {
                position.insert(name.clone(), named.len());
                named.push(FormField { name, listed, values: vec![(index, value)] });
            }
        }
    }
    let mut fields = Map::new();
    for FormField { name, listed, mut values } in named {
        let value = if listed {
            // Stable: values without an index keep the order they came in, after the indexed ones.
            values.sort_by_key(|(index, _)| index.unwrap_or(u64::MAX));
            Value::Array(values.into_iter().map(|(_, value)| Value::String(value)).collect())
        } else {
            Value::String(values.pop().map(|(_, value)| value).unwrap_or_default())
        };
        fields.insert(name, value);
    }
    fields
}

/// One field's value, read the way upstream's validator reads it ("implicit conversion": `"10"`
/// is the number 10, `10` the text "10").
impl Fields {
    fn get(&self, name: &str) -> Option<&Value> {
        self.0.get(name).filter(|value| !value.is_null())
    }

    /// A text field. Left out of a create: `should not be empty` and `type_message`. A value of
    /// another kind (a list, an object): `type_message` alone.
    pub fn text(&self, name: &str, required: bool, type_message: &str, messages: &mut Vec<String>) -> Option<String> {
        match self.get(name) {
            None => {
                if required {
                    messages.push(format!("{name} should not be empty"));
                    messages.push(type_message.to_owned());
                }
                None
            }
            Some(Value::String(text)) => Some(text.clone()),
            Some(Value::Number(number)) => Some(number.to_string()),
            Some(_) => {
                messages.push(type_message.to_owned());
                None
            }
        }
    }

    /// A number field, kept as its text so the model's rules read it; a whole number written
    /// with a fraction or an exponent (`1.0`, `1e0`: what Python's and Java's JSON make of a
    /// float) as the digits of that whole number, which the rules for ids and stock read. Text
    /// that is not a number gets `type_message`.
    pub fn number(&self, name: &str, required: bool, type_message: &str, messages: &mut Vec<String>) -> Option<String> {
        let value = self.text(name, required, type_message, messages)?;
        let value = value.trim();
        match value.parse::<f64>() {
            Ok(n)
                if n.is_finite() && n.fract() == 0.0 && n.abs() < WHOLE_AS_DIGITS && value.parse::<i64>().is_err() =>
            {
                Some((n as i64).to_string())
            }
            Ok(n) if n.is_finite() => Some(value.to_owned()),
            _ => {
                messages.push(type_message.to_owned());
                None
            }
        }
    }

    /// A list of image addresses. Left out of a create, upstream's four messages.
    pub fn images(&self, required: bool, messages: &mut Vec<String>) -> Option<Vec<String>> {
        const EACH: &str = "each value in images must be a URL address";
        match self.get("images") {
            None => {
                if required {
                    messages.extend(
                        [
                            "images must contain at least 1 elements",
                            "images should not be empty",
                            EACH,
                            "images must be an array",
                        ]
                        .map(String::from),
                    );
                }
                None
            }
            Some(Value::Array(items)) => {
                let texts: Option<Vec<String>> = items.iter().map(|item| item.as_str().map(str::to_owned)).collect();
                if texts.is_none() {
                    messages.push(EACH.into());
                }
                texts
            }
            Some(_) => {
                messages.extend([EACH, "images must be an array"].map(String::from));
                None
            }
        }
    }
}

/// The messages gathered while reading a body: none, or a 400 listing them.
pub fn check(messages: Vec<String>) -> Result<(), ApiError> {
    if messages.is_empty() {
        Ok(())
    } else {
        Err(ApiError::Validation(messages))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_fields_named_twice_or_with_brackets_are_lists() {
        let list = |body: &str| form_fields(body.as_bytes()).get("images").cloned();
        let two = Some(serde_json::json!(["a", "b"]));
        assert_eq!(list("images=a&images=b"), two);
        assert_eq!(list("images[]=a&images[]=b"), two);
        assert_eq!(list("images[0]=a&images[1]=b"), two);
        assert_eq!(list("images[1]=b&images[0]=a"), two, "by index");
        assert_eq!(list("images=a"), Some(serde_json::json!("a")), "once is text, as upstream");
        assert_eq!(list("images[x]=a"), None, "not a list's brackets: a field of its own name");
    }

    #[test]
    fn a_whole_number_written_as_a_float_is_its_digits() {
        let body = fields(r#"{"categoryId": 1.0, "stock": "5e0", "price": 10.5, "big": 1e300, "id": 3}"#);
        let mut messages = Vec::new();
        let mut number = |name: &str| body.number(name, true, "type", &mut messages);
        assert_eq!(number("categoryId").as_deref(), Some("1"));
        assert_eq!(number("stock").as_deref(), Some("5"));
        assert_eq!(number("price").as_deref(), Some("10.5"));
        assert_eq!(number("big").as_deref(), Some("1e+300"), "left for the rules to refuse");
        assert_eq!(number("id").as_deref(), Some("3"));
        assert!(messages.is_empty(), "{messages:?}");
    }

    fn fields(json: &str) -> Fields {
        let headers = HeaderMap::from_iter([(header::CONTENT_TYPE, "application/json".parse().unwrap())]);
        Fields(parse(&headers, json.as_bytes()).unwrap_or_else(|_| panic!("{json} parses")))
    }

    #[test]
    fn numbers_and_texts_convert_as_upstream_does() {
        let mut messages = Vec::new();
        let body = fields(r#"{"price": "10", "categoryId": 2, "title": 5, "images": "x"}"#);
        assert_eq!(body.number("price", true, "price!", &mut messages).as_deref(), Some("10"));
        assert_eq!(body.number("categoryId", true, "id!", &mut messages).as_deref(), Some("2"));
        assert_eq!(body.text("title", true, "title!", &mut messages).as_deref(), Some("5"));
        assert_eq!(body.images(true, &mut messages), None);
        assert_eq!(messages, ["each value in images must be a URL address", "images must be an array"]);
    }

    #[test]
    fn a_missing_required_field_gets_both_messages_and_an_optional_one_none() {
        let mut messages = Vec::new();
        let body = fields("{}");
        assert_eq!(body.text("name", false, "name must be a string", &mut messages), None);
        assert!(messages.is_empty());
        body.text("name", true, "name must be a string", &mut messages);
        assert_eq!(messages, ["name should not be empty", "name must be a string"]);
    }

    #[test]
    fn a_form_body_that_is_not_utf8_is_refused() {
        let form = HeaderMap::from_iter([(header::CONTENT_TYPE, "application/x-www-form-urlencoded".parse().unwrap())]);
        for body in [&b"title=Raw\xff\xfeBytes"[..], b"title=Raw%FF%FEBytes", b"title=%C3&x=%A9"] {
            assert!(matches!(parse(&form, body), Err(ApiError::Malformed(_))), "{body:?}");
        }
        let fields = parse(&form, b"title=Caf%C3%A9+%EF%BF%BD&images=a").unwrap();
        assert_eq!(fields["title"], "Café \u{fffd}", "a replacement character sent as such is kept");
    }

    #[test]
    fn bodies_that_are_not_objects_are_refused_with_the_parsers_words() {
        let headers = HeaderMap::new();
        assert!(matches!(parse(&headers, b"[1]"), Err(ApiError::Malformed(_))));
        assert!(matches!(parse(&headers, b"{\"a\":"), Err(ApiError::Malformed(m)) if m.contains("EOF")));
        let deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
        assert!(
            matches!(parse(&headers, format!("{{\"a\":{deep}}}").as_bytes()), Err(ApiError::Malformed(m)) if m.contains("recursion"))
        );
        assert!(parse(&headers, b"  ").unwrap().is_empty());
    }
}
