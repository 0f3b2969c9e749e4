//! The lexer: source text to tokens, reporting malformed literals and stray characters.
//!
//! Line breaks are not tokens: statements end where the next one begins (an optional `;` may
//! separate them). Comments run from `//` to the end of the line.

use std::fmt;

use crate::diagnostic::Error;
use crate::source::{Span, to_u32};

/// A token with its span.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Token {
    pub kind: TokenKind,
    pub span: Span,
}

/// What a token is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum TokenKind {
    Ident(String),
    Keyword(Keyword),
    Int(u64, crate::ast::IntBase),
    Str(Vec<u8>),
    Punct(Punct),
    /// A malformed literal that has already been reported.
    Error,
    Eof,
}

/// Reserved words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Keyword {
    Global,
    Uninterpreted,
    Syscall,
    Stub,
    Example,
    Number,
    Clobbers,
    Let,
    If,
    Then,
    Else,
    Assume,
    Assert,
    Store,
    Event,
    Return,
    Exit,
    As,
    True,
    False,
    Load,
}

impl Keyword {
    pub const ALL: [Keyword; 21] = [
        Keyword::Global,
        Keyword::Uninterpreted,
        Keyword::Syscall,
        Keyword::Stub,
        Keyword::Example,
        Keyword::Number,
        Keyword::Clobbers,
        Keyword::Let,
        Keyword::If,
        Keyword::Then,
        Keyword::Else,
        Keyword::Assume,
        Keyword::Assert,
        Keyword::Store,
        Keyword::Event,
        Keyword::Return,
        Keyword::Exit,
        Keyword::As,
        Keyword::True,
        Keyword::False,
        Keyword::Load,
    ];

    pub fn text(self) -> &'static str {
        match self {
            Keyword::Global => "global",
            Keyword::Uninterpreted => "uninterpreted",
            Keyword::Syscall => "syscall",
            Keyword::Stub => "stub",
            Keyword::Example => "example",
            Keyword::Number => "number",
            Keyword::Clobbers => "clobbers",
            Keyword::Let => "let",
            Keyword::If => "if",
            Keyword::Then => "then",
            Keyword::Else => "else",
            Keyword::Assume => "assume",
            Keyword::Assert => "assert",
            Keyword::Store => "store",
            Keyword::Event => "event",
            Keyword::Return => "return",
            Keyword::Exit => "exit",
            Keyword::As => "as",
            Keyword::True => "true",
            Keyword::False => "false",
            Keyword::Load => "load",
        }
    }

    fn from_text(text: &str) -> Option<Keyword> {
        Keyword::ALL.into_iter().find(|k| k.text() == text)
    }

    /// Whether the keyword starts a top-level item.
    pub fn starts_item(self) -> bool {
        matches!(
            self,
            Keyword::Global
                | Keyword::Uninterpreted
                | Keyword::Syscall
                | Keyword::Stub
                | Keyword::Example
        )
    }

    /// Whether the keyword starts a statement (or a body declaration).
    pub fn starts_statement(self) -> bool {
        matches!(
            self,
            Keyword::Number
                | Keyword::Clobbers
                | Keyword::Let
                | Keyword::If
                | Keyword::Assume
                | Keyword::Assert
                | Keyword::Store
                | Keyword::Event
                | Keyword::Return
                | Keyword::Exit
        )
    }
}

/// Punctuation and operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Punct {
    LParen,
    RParen,
    LBrace,
    RBrace,
    LBracket,
    RBracket,
    Comma,
    Colon,
    Semicolon,
    Arrow,
    DotDot,
    Assign,
    EqEq,
    NotEq,
    Lt,
    Le,
    Gt,
    Ge,
    Plus,
    Minus,
    Star,
    Slash,
    Percent,
    Amp,
    Pipe,
    Caret,
    Tilde,
    Bang,
    Shl,
    Shr,
    AndAnd,
    OrOr,
    Underscore,
}

impl Punct {
    pub fn text(self) -> &'static str {
        match self {
            Punct::LParen => "(",
            Punct::RParen => ")",
            Punct::LBrace => "{",
            Punct::RBrace => "}",
            Punct::LBracket => "[",
            Punct::RBracket => "]",
            Punct::Comma => ",",
            Punct::Colon => ":",
            Punct::Semicolon => ";",
            Punct::Arrow => "->",
            Punct::DotDot => "..",
            Punct::Assign => "=",
            Punct::EqEq => "==",
            Punct::NotEq => "!=",
            Punct::Lt => "<",
            Punct::Le => "<=",
            Punct::Gt => ">",
            Punct::Ge => ">=",
            Punct::Plus => "+",
            Punct::Minus => "-",
            Punct::Star => "*",
            Punct::Slash => "/",
            Punct::Percent => "%",
            Punct::Amp => "&",
            Punct::Pipe => "|",
            Punct::Caret => "^",
            Punct::Tilde => "~",
            Punct::Bang => "!",
            Punct::Shl => "<<",
            Punct::Shr => ">>",
            Punct::AndAnd => "&&",
            Punct::OrOr => "||",
            Punct::Underscore => "_",
        }
    }
}

impl fmt::Display for TokenKind {
    /// How a token is named in "unexpected ..." messages.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TokenKind::Ident(name) => write!(f, "name `{name}`"),
            TokenKind::Keyword(k) => write!(f, "`{}`", k.text()),
            TokenKind::Int(..) => f.write_str("integer literal"),
            TokenKind::Str(_) => f.write_str("string literal"),
            TokenKind::Punct(p) => write!(f, "`{}`", p.text()),
            TokenKind::Error => f.write_str("malformed literal"),
            TokenKind::Eof => f.write_str("end of file"),
        }
    }
}

/// Splits `text` into tokens, ending with one `Eof` token. Malformed pieces are passed to
/// `report` (span, error, hint) and become `Error` tokens (stray characters are skipped).
pub(crate) fn lex(text: &str, mut report: impl FnMut(Span, Error, Option<String>)) -> Vec<Token> {
    let mut lexer = Lexer {
        text,
        pos: 0,
        tokens: Vec::new(),
    };
    lexer.run(&mut report);
    lexer.tokens
}

struct Lexer<'a> {
    text: &'a str,
    pos: usize,
    tokens: Vec<Token>,
}

impl Lexer<'_> {
    fn peek(&self) -> Option<char> {
        self.text.get(self.pos..).and_then(|s| s.chars().next())
    }

    fn peek_at(&self, n: usize) -> Option<char> {
        self.text.get(self.pos..).and_then(|s| s.chars().nth(n))
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += c.len_utf8();
        Some(c)
    }

    fn span_from(&self, start: usize) -> Span {
        Span::new(to_u32(start), to_u32(self.pos))
    }

    fn push(&mut self, kind: TokenKind, start: usize) {
        let span = self.span_from(start);
        self.tokens.push(Token { kind, span });
    }

    fn run(&mut self, report: &mut impl FnMut(Span, Error, Option<String>)) {
        while let Some(c) = self.peek() {
            let start = self.pos;
            if c.is_whitespace() {
                self.bump();
            } else if c == '/' && self.peek_at(1) == Some('/') {
                while let Some(c) = self.peek() {
                    if c == '\n' {
                        break;
                    }
                    self.bump();
                }
            } else if c.is_ascii_alphabetic() || c == '_' {
                while self
                    .peek()
                    .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
                {
                    self.bump();
                }
                let word = &self.text[start..self.pos];
                let kind = if word == "_" {
                    TokenKind::Punct(Punct::Underscore)
                } else if let Some(keyword) = Keyword::from_text(word) {
                    TokenKind::Keyword(keyword)
                } else {
                    TokenKind::Ident(word.to_string())
                };
                self.push(kind, start);
            } else if c.is_ascii_digit() {
                self.number(start, report);
            } else if c == '"' {
                self.string(start, report);
            } else if c == '\'' {
                self.char_literal(start, report);
            } else if let Some(punct) = self.punct() {
                self.push(TokenKind::Punct(punct), start);
            } else {
                self.bump();
                let hint = match c {
                    '.' => Some("a byte range is written `p[a .. b]` with two dots".to_string()),
                    '#' => Some("comments start with `//`".to_string()),
                    '\u{201c}' | '\u{201d}' => {
                        Some("use a plain double quote `\"` for strings".to_string())
                    }
                    _ => None,
                };
                report(self.span_from(start), Error::UnexpectedCharacter(c), hint);
            }
        }
        let end = self.pos;
        self.push(TokenKind::Eof, end);
    }

    /// Operators, longest match first.
    fn punct(&mut self) -> Option<Punct> {
        let two = match (self.peek(), self.peek_at(1)) {
            (Some('-'), Some('>')) => Some(Punct::Arrow),
            (Some('.'), Some('.')) => Some(Punct::DotDot),
            (Some('='), Some('=')) => Some(Punct::EqEq),
            (Some('!'), Some('=')) => Some(Punct::NotEq),
            (Some('<'), Some('=')) => Some(Punct::Le),
            (Some('>'), Some('=')) => Some(Punct::Ge),
            (Some('<'), Some('<')) => Some(Punct::Shl),
            (Some('>'), Some('>')) => Some(Punct::Shr),
            (Some('&'), Some('&')) => Some(Punct::AndAnd),
            (Some('|'), Some('|')) => Some(Punct::OrOr),
            _ => None,
        };
        if let Some(p) = two {
            self.bump();
            self.bump();
            return Some(p);
        }
        let one = match self.peek()? {
            '(' => Punct::LParen,
            ')' => Punct::RParen,
            '{' => Punct::LBrace,
            '}' => Punct::RBrace,
            '[' => Punct::LBracket,
            ']' => Punct::RBracket,
            ',' => Punct::Comma,
            ':' => Punct::Colon,
            ';' => Punct::Semicolon,
            '=' => Punct::Assign,
            '<' => Punct::Lt,
            '>' => Punct::Gt,
            '+' => Punct::Plus,
            '-' => Punct::Minus,
            '*' => Punct::Star,
            '/' => Punct::Slash,
            '%' => Punct::Percent,
            '&' => Punct::Amp,
            '|' => Punct::Pipe,
            '^' => Punct::Caret,
            '~' => Punct::Tilde,
            '!' => Punct::Bang,
            _ => return None,
        };
        self.bump();
        Some(one)
    }

    /// An integer literal: decimal, `0x` hex, `0o` octal or `0b` binary, with optional `_`
    /// separators. The whole alphanumeric word is taken, so that `12ab` is one bad literal.
    fn number(&mut self, start: usize, report: &mut impl FnMut(Span, Error, Option<String>)) {
        while self
            .peek()
            .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
        {
            self.bump();
        }
        let text = &self.text[start..self.pos];
        let span = self.span_from(start);
        match parse_int(text) {
            Ok((value, base)) => self.push(TokenKind::Int(value, base), start),
            Err((error, hint)) => {
                report(span, error, hint);
                self.push(TokenKind::Error, start);
            }
        }
    }

    fn string(&mut self, start: usize, report: &mut impl FnMut(Span, Error, Option<String>)) {
        self.bump(); // the opening quote
        let mut bytes = Vec::new();
        let mut ok = true;
        loop {
            let Some(c) = self.peek() else {
                report(
                    self.span_from(start),
                    Error::UnterminatedString,
                    Some("close the string with `\"` on the same line".to_string()),
                );
                self.push(TokenKind::Error, start);
                return;
            };
            match c {
                '"' => {
                    self.bump();
                    break;
                }
                '\n' => {
                    report(
                        Span::new(to_u32(start), to_u32(self.pos)),
                        Error::UnterminatedString,
                        Some("close the string with `\"` on the same line".to_string()),
                    );
                    self.push(TokenKind::Error, start);
                    return;
                }
                '\\' => match self.escape(report) {
                    Some(byte) => bytes.push(byte),
                    None => ok = false,
                },
                _ => {
                    self.bump();
                    let mut buf = [0u8; 4];
                    bytes.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                }
            }
        }
        let kind = if ok {
            TokenKind::Str(bytes)
        } else {
            TokenKind::Error
        };
        self.push(kind, start);
    }

    fn char_literal(&mut self, start: usize, report: &mut impl FnMut(Span, Error, Option<String>)) {
        self.bump(); // the opening quote
        let value = match self.peek() {
            Some('\\') => self.escape(report),
            Some('\'') | Some('\n') | None => {
                // `''`, or a quote at the end of a line or file.
                if self.peek() == Some('\'') {
                    self.bump();
                }
                report(self.span_from(start), Error::BadCharLiteral, None);
                self.push(TokenKind::Error, start);
                return;
            }
            Some(c) => {
                self.bump();
                if c.is_ascii() {
                    Some(c as u8)
                } else {
                    // Skip to the closing quote to report the whole literal.
                    if self.peek() == Some('\'') {
                        self.bump();
                    }
                    report(
                        self.span_from(start),
                        Error::BadCharLiteral,
                        Some(format!(
                            "`{c}` is not one byte; write its bytes with `\\x` escapes in a string"
                        )),
                    );
                    self.push(TokenKind::Error, start);
                    return;
                }
            }
        };
        if self.peek() == Some('\'') {
            self.bump();
            match value {
                Some(v) => self.push(
                    TokenKind::Int(u64::from(v), crate::ast::IntBase::Char),
                    start,
                ),
                None => self.push(TokenKind::Error, start),
            }
        } else {
            // Take the rest of a too-long literal, up to the closing quote on this line.
            let rest = self.text.get(self.pos..).unwrap_or("");
            let line_end = rest.find('\n').unwrap_or(rest.len());
            let closing = rest.get(..line_end).and_then(|line| line.find('\''));
            if let Some(close) = closing {
                self.pos += close + 1;
            }
            report(
                self.span_from(start),
                if closing.is_some() {
                    Error::BadCharLiteral
                } else {
                    Error::UnterminatedChar
                },
                if closing.is_some() {
                    Some("a character literal holds one character; use a string for more".into())
                } else {
                    None
                },
            );
            self.push(TokenKind::Error, start);
        }
    }

    /// An escape after a backslash (which is the next character): `\n \t \r \0 \\ \' \"` and
    /// `\xHH`. Returns the byte, or `None` after reporting a bad escape.
    fn escape(&mut self, report: &mut impl FnMut(Span, Error, Option<String>)) -> Option<u8> {
        let start = self.pos;
        self.bump(); // the backslash
        let c = self.peek();
        let byte = match c {
            Some('n') => b'\n',
            Some('t') => b'\t',
            Some('r') => b'\r',
            Some('0') => 0,
            Some('\\') => b'\\',
            Some('\'') => b'\'',
            Some('"') => b'"',
            Some('x') => {
                self.bump();
                let hi = self.peek().and_then(|c| c.to_digit(16));
                let lo = self.peek_at(1).and_then(|c| c.to_digit(16));
                if let (Some(hi), Some(lo)) = (hi, lo) {
                    self.bump();
                    self.bump();
                    return u8::try_from(hi * 16 + lo).ok();
                }
                report(
                    self.span_from(start),
                    Error::BadEscape(self.text[start..self.pos].to_string()),
                    Some("`\\x` takes exactly two hex digits, as in `\\x0a`".to_string()),
                );
                return None;
            }
            Some('\n') | None => {
                report(
                    self.span_from(start),
                    Error::BadEscape("\\".to_string()),
                    None,
                );
                return None;
            }
            Some(other) => {
                self.bump();
                report(
                    self.span_from(start),
                    Error::BadEscape(format!("\\{other}")),
                    Some("the escapes are \\n \\t \\r \\0 \\\\ \\' \\\" and \\xHH".to_string()),
                );
                return None;
            }
        };
        self.bump();
        Some(byte)
    }
}

/// Parses the text of an integer literal.
fn parse_int(text: &str) -> Result<(u64, crate::ast::IntBase), (Error, Option<String>)> {
    use crate::ast::IntBase;
    let lower = text.to_ascii_lowercase();
    let (base, digits) = if let Some(rest) = lower.strip_prefix("0x") {
        (IntBase::Hex, rest)
    } else if let Some(rest) = lower.strip_prefix("0o") {
        (IntBase::Octal, rest)
    } else if let Some(rest) = lower.strip_prefix("0b") {
        (IntBase::Binary, rest)
    } else {
        (IntBase::Decimal, lower.as_str())
    };
    let radix = match base {
        IntBase::Hex => 16,
        IntBase::Octal => 8,
        IntBase::Binary => 2,
        IntBase::Decimal | IntBase::Char => 10,
    };
    let invalid = |reason: String, hint: Option<String>| {
        Err((
            Error::InvalidInteger {
                text: text.to_string(),
                reason,
            },
            hint,
        ))
    };
    if digits.chars().all(|c| c == '_') {
        return invalid("it has no digits".to_string(), None);
    }
    if let Some(bad) = digits.chars().find(|&c| c != '_' && !c.is_digit(radix)) {
        let what = match base {
            IntBase::Hex => "hexadecimal",
            IntBase::Octal => "octal",
            IntBase::Binary => "binary",
            IntBase::Decimal | IntBase::Char => "decimal",
        };
        let hint = if base == IntBase::Decimal && bad.is_ascii_hexdigit() {
            Some(format!(
                "a hexadecimal literal starts with `0x`: `0x{text}`"
            ))
        } else {
            None
        };
        return invalid(format!("`{bad}` is not a {what} digit"), hint);
    }
    if base == IntBase::Decimal && digits.len() > 1 && digits.starts_with('0') {
        return invalid(
            "decimal literals cannot start with `0`".to_string(),
            Some(format!(
                "for an octal number write `0o{}`; for decimal drop the leading zeros",
                digits.trim_start_matches('0')
            )),
        );
    }
    let mut value: u64 = 0;
    for c in digits.chars().filter(|&c| c != '_') {
        let digit = u64::from(c.to_digit(radix).unwrap_or(0));
        match value
            .checked_mul(u64::from(radix))
            .and_then(|v| v.checked_add(digit))
        {
            Some(v) => value = v,
            None => {
                return Err((
                    Error::IntegerTooLarge(text.to_string()),
                    Some("the largest integer literal is 0xffff_ffff_ffff_ffff".to_string()),
                ));
            }
        }
    }
    Ok((value, base))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ast::IntBase;

    fn kinds(text: &str) -> (Vec<TokenKind>, Vec<Error>) {
        let mut errors = Vec::new();
        let tokens = lex(text, |_, e, _| errors.push(e));
        (tokens.into_iter().map(|t| t.kind).collect(), errors)
    }

    #[test]
    fn literals() {
        let (tokens, errors) = kinds("0 42 0x2A 0b101 0o17 1_000 'a' '\\n' '\\x41' \"a\\tb\"");
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(
            tokens,
            vec![
                TokenKind::Int(0, IntBase::Decimal),
                TokenKind::Int(42, IntBase::Decimal),
                TokenKind::Int(42, IntBase::Hex),
                TokenKind::Int(5, IntBase::Binary),
                TokenKind::Int(15, IntBase::Octal),
                TokenKind::Int(1000, IntBase::Decimal),
                TokenKind::Int(97, IntBase::Char),
                TokenKind::Int(10, IntBase::Char),
                TokenKind::Int(65, IntBase::Char),
                TokenKind::Str(b"a\tb".to_vec()),
                TokenKind::Eof,
            ]
        );
    }

    #[test]
    fn bad_literals() {
        let (_, errors) = kinds("18446744073709551616 0x 12ab 0777 'ab' '' \"x");
        assert_eq!(
            errors.iter().map(|e| e.to_string()).collect::<Vec<_>>(),
            vec![
                "integer literal `18446744073709551616` does not fit in 64 bits",
                "invalid integer literal `0x`: it has no digits",
                "invalid integer literal `12ab`: `a` is not a decimal digit",
                "invalid integer literal `0777`: decimal literals cannot start with `0`",
                "invalid character literal",
                "invalid character literal",
                "unterminated string literal",
            ]
        );
    }

    #[test]
    fn operators_and_ranges() {
        let (tokens, errors) = kinds("a[0..n] -> << >>= _ x_1");
        assert!(errors.is_empty());
        assert_eq!(tokens[3], TokenKind::Punct(Punct::DotDot));
        assert_eq!(tokens[6], TokenKind::Punct(Punct::Arrow));
        assert_eq!(tokens[7], TokenKind::Punct(Punct::Shl));
        assert_eq!(tokens[8], TokenKind::Punct(Punct::Shr));
        assert_eq!(tokens[9], TokenKind::Punct(Punct::Assign));
        assert_eq!(tokens[10], TokenKind::Punct(Punct::Underscore));
        assert_eq!(tokens[11], TokenKind::Ident("x_1".to_string()));
    }
}
