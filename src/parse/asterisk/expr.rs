//! Conditions of `GotoIf`, `ExecIf`, `GosubIf` and `While`: the `$[...]`
//! expression language, read far enough to know which variable a branch tests
//! against which values.

/// What a condition says about channel variables.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Condition {
    /// `${VAR} = "1"`, `"${VAR}" != "2"`, `${VAR} > 0`.
    Compare {
        variable: String,
        op: CompareOp,
        value: String,
    },
    /// `${VAR}` alone: true when set and not `0`.
    Truthy(String),
    Not(Box<Condition>),
    And(Vec<Condition>),
    Or(Vec<Condition>),
    /// Anything whose outcome the analysis does not model (function calls,
    /// arithmetic, time checks, comparisons of two variables).
    Opaque,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompareOp {
    Equal,
    NotEqual,
    /// `<`, `>`, `<=`, `>=`, `=~`: an order or a match, not one value.
    Other,
}

/// Parses a condition as written in the dialplan, e.g. `$["${OPTIN}" = "1"]`.
pub fn parse_condition(text: &str) -> Condition {
    let text = text.trim();
    let inner = text
        .strip_prefix("$[")
        .and_then(|t| t.strip_suffix(']'))
        .unwrap_or(text);
    let tokens = tokenize(inner);
    let mut parser = Parser { tokens, pos: 0 };
    let condition = parser.or();
    if parser.pos != parser.tokens.len() {
        return Condition::Opaque;
    }
    condition
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    Op(&'static str),
    Open,
    Close,
    /// A quoted or bare operand, quotes removed.
    Operand(String),
}

const OPERATORS: &[&str] = &[
    "==", "!=", "<=", ">=", "=~", "::", "|", "&", "=", "<", ">", "!", "+", "-", "*", "/", "%", "?",
    ":",
];

fn tokenize(text: &str) -> Vec<Token> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        if c == '(' {
            out.push(Token::Open);
            i += 1;
            continue;
        }
        if c == ')' {
            out.push(Token::Close);
            i += 1;
            continue;
        }
        if let Some(op) = OPERATORS.iter().find(|op| {
            let n = op.chars().count();
            chars[i..].iter().take(n).copied().eq(op.chars())
        }) {
            // A leading `-` followed by a digit is a negative number, not an operator.
            let negative_number = *op == "-"
                && chars.get(i + 1).is_some_and(char::is_ascii_digit)
                && !matches!(out.last(), Some(Token::Operand(_)) | Some(Token::Close));
            if !negative_number {
                out.push(Token::Op(op));
                i += op.chars().count();
                continue;
            }
        }
        let mut operand = String::new();
        if c == '"' {
            i += 1;
            while i < chars.len() && chars[i] != '"' {
                if chars[i] == '\\' && i + 1 < chars.len() {
                    i += 1;
                }
                operand.push(chars[i]);
                i += 1;
            }
            i += 1;
        } else {
            let mut depth = 0;
            while i < chars.len() {
                let c = chars[i];
                if c == '{' || (c == '[' && operand.ends_with('$')) {
                    depth += 1;
                } else if (c == '}' || c == ']') && depth > 0 {
                    depth -= 1;
                } else if depth == 0
                    && (c.is_whitespace()
                        || c == '('
                        || c == ')'
                        || c == '"'
                        || OPERATORS.iter().any(|op| op.starts_with(c))
                            && !(c == '-' && operand.is_empty()))
                {
                    break;
                }
                operand.push(c);
                i += 1;
            }
        }
        out.push(Token::Operand(operand));
    }
    out
}

struct Parser {
    tokens: Vec<Token>,
    pos: usize,
}

#[derive(Debug, Clone)]
enum Value {
    Variable(String),
    Literal(String),
    Computed,
}

impl Parser {
    fn peek_op(&self) -> Option<&'static str> {
        match self.tokens.get(self.pos) {
            Some(Token::Op(op)) => Some(op),
            _ => None,
        }
    }

    fn or(&mut self) -> Condition {
        let mut parts = vec![self.and()];
        while self.peek_op() == Some("|") {
            self.pos += 1;
            parts.push(self.and());
        }
        let first = parts.pop().unwrap_or(Condition::Opaque);
        if parts.is_empty() {
            first
        } else {
            parts.push(first);
            Condition::Or(parts)
        }
    }

    fn and(&mut self) -> Condition {
        let mut parts = vec![self.comparison()];
        while self.peek_op() == Some("&") {
            self.pos += 1;
            parts.push(self.comparison());
        }
        let first = parts.pop().unwrap_or(Condition::Opaque);
        if parts.is_empty() {
            first
        } else {
            parts.push(first);
            Condition::And(parts)
        }
    }

    fn comparison(&mut self) -> Condition {
        let left = self.term();
        let op = match self.peek_op() {
            Some("=") | Some("==") => CompareOp::Equal,
            Some("!=") => CompareOp::NotEqual,
            Some("<") | Some(">") | Some("<=") | Some(">=") | Some("=~") => CompareOp::Other,
            _ => {
                return match left {
                    Term::Condition(c) => c,
                    Term::Value(Value::Variable(v)) => Condition::Truthy(v),
                    Term::Value(_) => Condition::Opaque,
                };
            }
        };
        self.pos += 1;
        let right = self.term();
        let (Term::Value(l), Term::Value(r)) = (left, right) else {
            return Condition::Opaque;
        };
        match (l, r) {
            (Value::Variable(variable), Value::Literal(value))
            | (Value::Literal(value), Value::Variable(variable)) => Condition::Compare {
                variable,
                op,
                value,
            },
            _ => Condition::Opaque,
        }
    }

    fn term(&mut self) -> Term {
        let first = self.unary();
        // Arithmetic makes a computed value.
        let mut computed = false;
        while matches!(
            self.peek_op(),
            Some("+") | Some("-") | Some("*") | Some("/") | Some("%")
        ) {
            self.pos += 1;
            self.unary();
            computed = true;
        }
        if computed {
            Term::Value(Value::Computed)
        } else {
            first
        }
    }

    fn unary(&mut self) -> Term {
        match self.tokens.get(self.pos).cloned() {
            Some(Token::Op("!")) => {
                self.pos += 1;
                match self.unary() {
                    Term::Condition(c) => Term::Condition(Condition::Not(Box::new(c))),
                    Term::Value(Value::Variable(v)) => {
                        Term::Condition(Condition::Not(Box::new(Condition::Truthy(v))))
                    }
                    Term::Value(_) => Term::Condition(Condition::Opaque),
                }
            }
            Some(Token::Open) => {
                self.pos += 1;
                let inner = self.or();
                if self.tokens.get(self.pos) == Some(&Token::Close) {
                    self.pos += 1;
                }
                Term::Condition(inner)
            }
            Some(Token::Operand(text)) => {
                self.pos += 1;
                Term::Value(classify_operand(&text))
            }
            _ => {
                self.pos = self.tokens.len();
                Term::Condition(Condition::Opaque)
            }
        }
    }
}

enum Term {
    Condition(Condition),
    Value(Value),
}

/// `${NAME}` is a variable; text without `$` is a literal; anything else
/// (function calls, substrings, nested expressions) is computed.
fn classify_operand(text: &str) -> Value {
    if let Some(name) = text.strip_prefix("${").and_then(|t| t.strip_suffix('}'))
        && !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        return Value::Variable(name.to_string());
    }
    if text.contains('$') {
        Value::Computed
    } else {
        Value::Literal(text.to_string())
    }
}

/// The variable named by a plain `${NAME}` reference.
pub fn variable_reference(text: &str) -> Option<String> {
    match classify_operand(text.trim()) {
        Value::Variable(v) => Some(v),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cmp(var: &str, op: CompareOp, value: &str) -> Condition {
        Condition::Compare {
            variable: var.into(),
            op,
            value: value.into(),
        }
    }

    #[test]
    fn comparisons() {
        assert_eq!(
            parse_condition(r#"$["${OPTIN}" = "1"]"#),
            cmp("OPTIN", CompareOp::Equal, "1")
        );
        assert_eq!(
            parse_condition("$[${OPTIN}!=2]"),
            cmp("OPTIN", CompareOp::NotEqual, "2")
        );
        assert_eq!(
            parse_condition(r#"$[ "1" == "${X}" ]"#),
            cmp("X", CompareOp::Equal, "1")
        );
        assert_eq!(
            parse_condition("$[${X} > 0]"),
            cmp("X", CompareOp::Other, "0")
        );
        assert_eq!(
            parse_condition("$[${X} = -1]"),
            cmp("X", CompareOp::Equal, "-1")
        );
    }

    #[test]
    fn combinations() {
        assert_eq!(
            parse_condition(r#"$["${C}" = "1" | "${C}" = "yes"]"#),
            Condition::Or(vec![
                cmp("C", CompareOp::Equal, "1"),
                cmp("C", CompareOp::Equal, "yes")
            ])
        );
        assert_eq!(
            parse_condition(r#"$[!(${C} = 1)]"#),
            Condition::Not(Box::new(cmp("C", CompareOp::Equal, "1")))
        );
    }

    #[test]
    fn truthiness_and_opaque() {
        assert_eq!(
            parse_condition("${CONSENT}"),
            Condition::Truthy("CONSENT".into())
        );
        assert_eq!(parse_condition("$[${A} = ${B}]"), Condition::Opaque);
        assert_eq!(
            parse_condition(r#"$["${DB(consent/${CALLERID(num)})}" = "1"]"#),
            Condition::Opaque
        );
        assert_eq!(parse_condition("$[${ATTEMPT} > ${MAX}]"), Condition::Opaque);
        assert_eq!(parse_condition("$[${X} + 1 = 2]"), Condition::Opaque);
    }
}
