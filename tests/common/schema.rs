//! A JSON Schema validator for the keywords the SARIF schema (draft-04) and
//! `docs/custom-rule.schema.json` (draft-07) use.
//!
//! The `jsonschema` crate (0.61, default features off) brings 42 more crates
//! and took a clean `cargo test --no-run` from 28 s to 52 s on the 2-core
//! machine, for one test. A keyword the schema uses but this validator
//! does not know makes it panic, so it cannot silently accept everything.

use serde_json::{Map, Value};

const ANNOTATIONS: &[&str] = &[
    "$schema",
    "id",
    "$id",
    "title",
    "description",
    "default",
    "examples",
];

pub struct Validator<'a> {
    root: &'a Value,
}

impl<'a> Validator<'a> {
    pub fn new(root: &'a Value) -> Validator<'a> {
        Validator { root }
    }

    /// Every violation, as `JSON pointer: what is wrong`.
    pub fn errors(&self, instance: &Value) -> Vec<String> {
        let mut errors = Vec::new();
        self.check(self.root, instance, "", &mut errors);
        errors
    }

    fn resolve(&self, reference: &str) -> &'a Value {
        let pointer = reference
            .strip_prefix('#')
            .unwrap_or_else(|| panic!("only local $ref is supported: {reference}"));
        self.root
            .pointer(pointer)
            .unwrap_or_else(|| panic!("dangling $ref {reference}"))
    }

    fn valid(&self, schema: &Value, instance: &Value, path: &str) -> bool {
        let mut errors = Vec::new();
        self.check(schema, instance, path, &mut errors);
        errors.is_empty()
    }

    fn check(&self, schema: &Value, instance: &Value, path: &str, errors: &mut Vec<String>) {
        let schema = match schema {
            Value::Bool(true) => return,
            Value::Bool(false) => {
                errors.push(format!("{path}: no value is allowed here"));
                return;
            }
            Value::Object(schema) => schema,
            other => panic!("not a schema: {other}"),
        };
        if let Some(reference) = schema.get("$ref") {
            // Draft 4: a $ref replaces its siblings.
            let target = self.resolve(reference.as_str().expect("$ref is a string"));
            return self.check(target, instance, path, errors);
        }
        for (keyword, value) in schema {
            match keyword.as_str() {
                k if ANNOTATIONS.contains(&k) => {}
                "definitions" => {}
                "type" => self.check_type(value, instance, path, errors),
                "enum" => {
                    let options = value.as_array().expect("enum is an array");
                    if !options.contains(instance) {
                        errors.push(format!("{path}: {instance} is not one of {value}"));
                    }
                }
                "properties" | "additionalProperties" | "required" => {
                    if let Value::Object(object) = instance {
                        self.check_object(keyword, schema, object, path, errors);
                    }
                }
                "items" => {
                    if let Value::Array(items) = instance {
                        assert!(value.is_object(), "tuple `items` is not supported");
                        for (i, item) in items.iter().enumerate() {
                            self.check(value, item, &format!("{path}/{i}"), errors);
                        }
                    }
                }
                "minItems" => {
                    if let Value::Array(items) = instance {
                        let min = value.as_u64().expect("minItems") as usize;
                        if items.len() < min {
                            errors.push(format!("{path}: fewer than {min} items"));
                        }
                    }
                }
                "uniqueItems" => {
                    if let (Value::Array(items), Some(true)) = (instance, value.as_bool()) {
                        for (i, a) in items.iter().enumerate() {
                            if items[..i].contains(a) {
                                errors.push(format!("{path}/{i}: duplicate item {a}"));
                            }
                        }
                    }
                }
                "minimum" | "maximum" => {
                    if let (Some(n), Some(bound)) = (instance.as_f64(), value.as_f64()) {
                        let ok = if keyword == "minimum" {
                            n >= bound
                        } else {
                            n <= bound
                        };
                        if !ok {
                            errors.push(format!("{path}: {n} is out of range ({keyword} {bound})"));
                        }
                    }
                }
                "pattern" => {
                    if let Value::String(text) = instance {
                        let pattern = value.as_str().expect("pattern");
                        let regex = regex::Regex::new(pattern).expect("pattern compiles");
                        if !regex.is_match(text) {
                            errors.push(format!("{path}: {text:?} does not match {pattern}"));
                        }
                    }
                }
                "format" => {
                    if let Value::String(text) = instance {
                        let format = value.as_str().expect("format");
                        if !valid_format(format, text) {
                            errors.push(format!("{path}: {text:?} is not a valid {format}"));
                        }
                    }
                }
                "anyOf" | "oneOf" => {
                    let options = value.as_array().expect("anyOf/oneOf is an array");
                    let passing = options
                        .iter()
                        .filter(|option| self.valid(option, instance, path))
                        .count();
                    if passing == 0 || (keyword == "oneOf" && passing > 1) {
                        errors.push(format!(
                            "{path}: {passing} of the {keyword} alternatives match"
                        ));
                    }
                }
                other => panic!("unsupported JSON Schema keyword `{other}`"),
            }
        }
    }

    fn check_type(&self, expected: &Value, instance: &Value, path: &str, errors: &mut Vec<String>) {
        let types: Vec<&str> = match expected {
            Value::String(t) => vec![t.as_str()],
            Value::Array(ts) => ts.iter().map(|t| t.as_str().expect("type")).collect(),
            other => panic!("bad type {other}"),
        };
        let matches = |t: &str| match t {
            "object" => instance.is_object(),
            "array" => instance.is_array(),
            "string" => instance.is_string(),
            "boolean" => instance.is_boolean(),
            "null" => instance.is_null(),
            "number" => instance.is_number(),
            "integer" => {
                instance.is_i64()
                    || instance.is_u64()
                    || instance.as_f64().is_some_and(|f| f.fract() == 0.0)
            }
            other => panic!("unknown type {other}"),
        };
        if !types.iter().any(|t| matches(t)) {
            errors.push(format!("{path}: {instance} is not of type {expected}"));
        }
    }

    fn check_object(
        &self,
        keyword: &str,
        schema: &Map<String, Value>,
        object: &Map<String, Value>,
        path: &str,
        errors: &mut Vec<String>,
    ) {
        let properties = schema.get("properties").and_then(Value::as_object);
        match keyword {
            "required" => {
                for name in schema["required"].as_array().expect("required") {
                    let name = name.as_str().expect("required name");
                    if !object.contains_key(name) {
                        errors.push(format!("{path}: required property `{name}` is missing"));
                    }
                }
            }
            "properties" => {
                for (name, value) in object {
                    if let Some(sub) = properties.and_then(|p| p.get(name)) {
                        self.check(sub, value, &format!("{path}/{}", escape(name)), errors);
                    }
                }
            }
            _ => {
                let additional = &schema["additionalProperties"];
                for (name, value) in object {
                    if properties.is_some_and(|p| p.contains_key(name)) {
                        continue;
                    }
                    let at = format!("{path}/{}", escape(name));
                    if additional == &Value::Bool(false) {
                        errors.push(format!("{at}: property `{name}` is not allowed"));
                    } else {
                        self.check(additional, value, &at, errors);
                    }
                }
            }
        }
    }
}

fn escape(name: &str) -> String {
    name.replace('~', "~0").replace('/', "~1")
}

/// RFC 3986, loosely: only characters a URI may contain, well-formed
/// percent-escapes, and a scheme for `uri`.
pub fn valid_format(format: &str, text: &str) -> bool {
    let bytes = text.as_bytes();
    let characters_ok = bytes.iter().enumerate().all(|(i, &b)| {
        if b == b'%' {
            bytes.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
                && bytes.get(i + 2).is_some_and(u8::is_ascii_hexdigit)
        } else {
            b.is_ascii_alphanumeric() || b"-._~:/?#[]@!$&'()*+,;=".contains(&b)
        }
    });
    match format {
        "uri" => characters_ok && scheme(text).is_some(),
        "uri-reference" => characters_ok,
        "date-time" => {
            regex::Regex::new(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")
                .unwrap()
                .is_match(text)
        }
        other => panic!("unsupported format {other}"),
    }
}

/// The scheme of a URI reference, if it has one.
pub fn scheme(text: &str) -> Option<&str> {
    let (scheme, _) = text.split_once(':')?;
    let mut chars = scheme.chars();
    (chars.next()?.is_ascii_alphabetic()
        && chars.all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c)))
    .then_some(scheme)
}
