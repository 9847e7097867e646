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
    /// A bare operand.
    Operand(String),
    /// A double-quoted operand, quotes removed (to Asterisk they are part
    /// of the string).
    Quoted(String),
}

const OPERATORS: &[&str] = &[
    "==", "!=", "<=", ">=", "=~", "::", "|", "&", "=", "<", ">", "!", "+", "-", "*", "/", "%", "?",
    ":",
];

/// Whether an operator starts with byte `b` (all of them are ASCII).
fn starts_operator(b: u8) -> bool {
    b.is_ascii() && OPERATORS.iter().any(|op| op.as_bytes().first() == Some(&b))
}

/// Whether the character at byte `i` (a character boundary) is white space.
fn whitespace_at(text: &str, i: usize) -> bool {
    match text.as_bytes()[i] {
        b if b.is_ascii() => char::from(b).is_whitespace(),
        _ => text[i..].chars().next().is_some_and(char::is_whitespace),
    }
}

/// The length in bytes of the character whose first byte is `b`.
fn char_len(b: u8) -> usize {
    match b.leading_ones() {
        0 => 1,
        n => n as usize,
    }
}

/// Every character that separates tokens is ASCII, and no byte of a
/// multi-byte character is: the text is read byte by byte, a character at
/// a time, and operands are slices of it.
fn tokenize(text: &str) -> Vec<Token> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        if whitespace_at(text, i) {
            i += char_len(c);
            continue;
        }
        if c == b'(' {
            out.push(Token::Open);
            i += 1;
            continue;
        }
        if c == b')' {
            out.push(Token::Close);
            i += 1;
            continue;
        }
        if starts_operator(c)
            && let Some(op) = OPERATORS
                .iter()
                .find(|op| bytes[i..].starts_with(op.as_bytes()))
        {
            // A leading `-` followed by a digit is a negative number, not an operator.
            let negative_number = *op == "-"
                && bytes.get(i + 1).is_some_and(u8::is_ascii_digit)
                && !matches!(
                    out.last(),
                    Some(Token::Operand(_)) | Some(Token::Quoted(_)) | Some(Token::Close)
                );
            if !negative_number {
                out.push(Token::Op(op));
                i += op.len();
                continue;
            }
        }
        if c == b'"' {
            // A backslash takes the character after it as it is.
            let mut operand = String::new();
            i += 1;
            let mut start = i;
            while i < bytes.len() && bytes[i] != b'"' {
                if bytes[i] == b'\\' && i + 1 < bytes.len() {
                    operand.push_str(&text[start..i]);
                    i += 1;
                    start = i;
                }
                i += char_len(bytes[i]);
            }
            operand.push_str(&text[start..i]);
            i += 1;
            out.push(Token::Quoted(operand));
            continue;
        }
        let start = i;
        let mut depth = 0;
        while i < bytes.len() {
            let c = bytes[i];
            if c == b'{' || (c == b'[' && i > start && bytes[i - 1] == b'$') {
                depth += 1;
            } else if (c == b'}' || c == b']') && depth > 0 {
                depth -= 1;
            } else if depth == 0
                && (whitespace_at(text, i)
                    || c == b'('
                    || c == b')'
                    || c == b'"'
                    || starts_operator(c) && !(c == b'-' && i == start))
            {
                break;
            }
            i += char_len(c);
        }
        out.push(Token::Operand(text[start..i].to_string()));
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
            Some(Token::Operand(text)) | Some(Token::Quoted(text)) => {
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

/// Evaluates a condition whose variables `value_of` knows, as Asterisk does
/// once it has substituted them (main/ast_expr2.y): `Some(outcome)` when
/// every operand is a literal or a known variable and only comparisons,
/// `!`, `&`, `|` and parentheses combine them; `None` otherwise, never a
/// guess. Values must be plain words or numbers (see `Constants`).
pub fn evaluate(text: &str, value_of: &dyn Fn(&str) -> Option<String>) -> Option<bool> {
    let text = text.trim();
    let Some(inner) = text.strip_prefix("$[").and_then(|t| t.strip_suffix(']')) else {
        // `GotoIf(${X}?a:b)`: the substituted text itself.
        return match classify_operand(text) {
            Value::Variable(name) => value_of(&name).map(|v| check_condition(&v)),
            Value::Literal(literal) => Some(check_condition(&literal)),
            Value::Computed => None,
        };
    };
    if inner.contains("$[") {
        return None;
    }
    let mut evaluator = Evaluator {
        tokens: tokenize(inner),
        pos: 0,
        value_of,
    };
    let value = evaluator.or();
    if evaluator.pos != evaluator.tokens.len() {
        return None;
    }
    Some(match value? {
        Val::Number(n) => n != 0.0,
        Val::Numeric(s) | Val::Text(s) => check_condition(&s),
    })
}

/// pbx_checkcondition: empty is false, text starting with a digit is its
/// leading integer, any other text is true.
fn check_condition(text: &str) -> bool {
    if !text.starts_with(|c: char| c.is_ascii_digit()) {
        return !text.is_empty();
    }
    let digits = text.len() - text.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    !text[..digits].trim_start_matches('0').is_empty()
}

/// A value in an expression: a computed number, a numeric string
/// (`[0-9]+(.[0-9]+)?`) or a string (a word or a quoted text, quotes kept).
#[derive(Debug, Clone)]
enum Val {
    Number(f64),
    Numeric(String),
    Text(String),
}

impl Val {
    fn of_word(word: String) -> Val {
        let numeric = match word.split_once('.') {
            Some((int, frac)) => all_digits(int) && all_digits(frac),
            None => all_digits(&word),
        };
        if numeric {
            Val::Numeric(word)
        } else {
            Val::Text(word)
        }
    }

    fn number(&self) -> Option<f64> {
        match self {
            Val::Number(n) => Some(*n),
            Val::Numeric(s) => s.parse().ok(),
            Val::Text(_) => None,
        }
    }

    fn is_zero_or_null(&self) -> bool {
        match self {
            Val::Text(s) => s.is_empty(),
            _ => self.number() == Some(0.0),
        }
    }
}

fn all_digits(text: &str) -> bool {
    !text.is_empty() && text.chars().all(|c| c.is_ascii_digit())
}

/// An evaluation over the tokens; `None` is an unknown value. Every branch
/// consumes its tokens, so that a trailing unknown construct is seen.
struct Evaluator<'a> {
    tokens: Vec<Token>,
    pos: usize,
    value_of: &'a dyn Fn(&str) -> Option<String>,
}

impl Evaluator<'_> {
    fn peek_op(&self) -> Option<&'static str> {
        match self.tokens.get(self.pos) {
            Some(Token::Op(op)) => Some(op),
            _ => None,
        }
    }

    /// `a | b`: `a` unless it is zero or empty, else `b`.
    fn or(&mut self) -> Option<Val> {
        let mut value = self.and();
        while self.peek_op() == Some("|") {
            self.pos += 1;
            let right = self.and();
            value = match value {
                Some(left) if left.is_zero_or_null() => right,
                left => left,
            };
        }
        value
    }

    /// `a & b`: `a` unless either is zero or empty, else 0.
    fn and(&mut self) -> Option<Val> {
        let mut value = self.comparison();
        while self.peek_op() == Some("&") {
            self.pos += 1;
            let right = self.comparison();
            value = match (value, right) {
                (Some(l), _) if l.is_zero_or_null() => Some(Val::Number(0.0)),
                (_, Some(r)) if r.is_zero_or_null() => Some(Val::Number(0.0)),
                (Some(l), Some(_)) => Some(l),
                _ => None,
            };
        }
        value
    }

    fn comparison(&mut self) -> Option<Val> {
        let left = self.unary();
        let Some(op) = self
            .peek_op()
            .filter(|op| ["=", "==", "!=", "<", ">", "<=", ">="].contains(op))
        else {
            return left;
        };
        self.pos += 1;
        let right = self.unary();
        let (left, right) = (left?, right?);
        let order = match (&left, &right) {
            // A string on either side compares with strcoll: only equality
            // is the same in every locale.
            (Val::Text(l), r) | (r, Val::Text(l)) => {
                if !matches!(op, "=" | "==" | "!=") {
                    return None;
                }
                let r = match r {
                    Val::Number(_) => return None,
                    Val::Numeric(s) | Val::Text(s) => s,
                };
                if l == r {
                    std::cmp::Ordering::Equal
                } else {
                    std::cmp::Ordering::Less
                }
            }
            _ => left.number()?.partial_cmp(&right.number()?)?,
        };
        let holds = match op {
            "=" | "==" => order.is_eq(),
            "!=" => order.is_ne(),
            "<" => order.is_lt(),
            ">" => order.is_gt(),
            "<=" => order.is_le(),
            _ => order.is_ge(),
        };
        Some(Val::Number(if holds { 1.0 } else { 0.0 }))
    }

    fn unary(&mut self) -> Option<Val> {
        match self.tokens.get(self.pos).cloned() {
            Some(Token::Op("!")) => {
                self.pos += 1;
                // Only the complement of a computed truth value is modelled.
                match self.unary()? {
                    Val::Number(n) => Some(Val::Number(if n == 0.0 { 1.0 } else { 0.0 })),
                    _ => None,
                }
            }
            Some(Token::Open) => {
                self.pos += 1;
                let inner = self.or();
                if self.tokens.get(self.pos) != Some(&Token::Close) {
                    self.pos = self.tokens.len() + 1;
                    return None;
                }
                self.pos += 1;
                inner
            }
            Some(Token::Operand(text)) => {
                self.pos += 1;
                match classify_operand(&text) {
                    Value::Variable(name) => (self.value_of)(&name).map(Val::of_word),
                    Value::Literal(literal) => Some(Val::of_word(literal)),
                    Value::Computed => None,
                }
            }
            Some(Token::Quoted(text)) => {
                self.pos += 1;
                let text = match classify_operand(&text) {
                    Value::Variable(name) => (self.value_of)(&name)?,
                    Value::Literal(literal) => literal,
                    Value::Computed => return None,
                };
                Some(Val::Text(format!("\"{text}\"")))
            }
            _ => {
                // Arithmetic, `?:`, `=~` and the like: not evaluated.
                self.pos = self.tokens.len() + 1;
                None
            }
        }
    }
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
    fn tokens_of_escapes_negative_numbers_and_wider_characters() {
        use Token::*;
        let operand = |s: &str| Operand(s.to_string());
        assert_eq!(
            tokenize(r#""caf\"é" = ${X}"#),
            [Quoted("caf\"é".into()), Op("="), operand("${X}")]
        );
        assert_eq!(
            tokenize("${A} != -1"),
            [operand("${A}"), Op("!="), operand("-1")]
        );
        assert_eq!(tokenize("2 -1"), [operand("2"), Op("-"), operand("1")]);
        // No-break spaces separate; `$[...]` nests inside an operand.
        assert_eq!(
            tokenize("ø\u{a0}=\u{a0}$[a b]x(1)"),
            [
                operand("ø"),
                Op("="),
                operand("$[a b]x"),
                Open,
                operand("1"),
                Close
            ]
        );
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
    fn evaluation_with_known_values() {
        let known = |name: &str| match name {
            "ATTEMPT" => Some("1".to_string()),
            "REC_POLICY_MODE" => Some("NEVER".to_string()),
            _ => None,
        };
        assert_eq!(evaluate("$[${ATTEMPT} <= 3]", &known), Some(true));
        assert_eq!(evaluate("$[${ATTEMPT} > 3]", &known), Some(false));
        assert_eq!(
            evaluate(r#"$["${REC_POLICY_MODE}" = "NEVER"]"#, &known),
            Some(true)
        );
        assert_eq!(
            evaluate(r#"$["${REC_POLICY_MODE}" != "NEVER" & ${ATTEMPT}]"#, &known),
            Some(false)
        );
        assert_eq!(
            evaluate(r#"$["${REC_POLICY_MODE}" = "x" | ${ATTEMPT} = 1]"#, &known),
            Some(true)
        );
        assert_eq!(evaluate("$[!(${ATTEMPT} = 1)]", &known), Some(false));
        assert_eq!(evaluate("${ATTEMPT}", &known), Some(true));
        // A quoted operand keeps its quotes: `"1" = 1` is false to Asterisk.
        assert_eq!(evaluate(r#"$["${ATTEMPT}" = 1]"#, &known), Some(false));
        assert_eq!(evaluate(r#"$["${ATTEMPT}" = "1"]"#, &known), Some(true));
        assert_eq!(evaluate("$[${ATTEMPT} = 1.0]", &known), Some(true));
        // Unknown variables, arithmetic, string order: not decided.
        assert_eq!(evaluate("$[${OTHER} = 1]", &known), None);
        assert_eq!(evaluate("$[${ATTEMPT} + 1 <= 3]", &known), None);
        assert_eq!(evaluate("$[${REC_POLICY_MODE} < ZZZ]", &known), None);
        assert_eq!(evaluate("$[${ATTEMPT} = 1 ? 1 : 0]", &known), None);
        assert_eq!(evaluate("$[(${ATTEMPT} = 1]", &known), None);
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
