//! The parser: tokens to the syntax tree, by recursive descent, recovering after each error.
//!
//! Recovery works at two levels. A malformed item is skipped up to the next item keyword
//! (`global`, `uninterpreted`, `syscall`, `stub`, `example`), which can never appear inside a
//! body; a malformed statement is skipped up to the next statement keyword or the end of its
//! block. After an error, further errors are suppressed until the parser has resynchronised,
//! so that one mistake gives one diagnostic.

use std::sync::Arc;

use crate::ast::*;
use crate::diagnostic::{Diagnostic, Error};
use crate::lexer::{Keyword, Punct, Token, TokenKind, lex};
use crate::source::{SourceFile, Span};

/// How deep expressions and blocks may nest. Real stubs stay far below; the limit keeps the
/// parser, the checker and every later tree walk well inside the stack on any input.
pub(crate) const MAX_DEPTH: u32 = 100;

/// The most bytes a `zeros N` example value may ask for.
pub(crate) const MAX_ZEROS: u64 = 1 << 20;

/// Parses a whole file. The tree is always returned; it is complete when the diagnostics are
/// empty.
pub(crate) fn parse_file(file: &Arc<SourceFile>) -> (File, Vec<Diagnostic>) {
    let mut diagnostics = Vec::new();
    let tokens = lex(file.text(), |span, error, hint| {
        let mut d = Diagnostic::new(file.clone(), span, error);
        if let Some(hint) = hint {
            d = d.with_hint(hint);
        }
        diagnostics.push(d);
    });
    let mut parser = Parser {
        tokens,
        pos: 0,
        file: file.clone(),
        diagnostics,
        recovering: false,
        unclosed: false,
        depth: 0,
    };
    let items = parser.items();
    (File { items }, parser.diagnostics)
}

/// Marks a failure that has been reported (or suppressed while recovering).
struct Failed;

type PResult<T> = Result<T, Failed>;

/// The result of a postfix expression where a byte range is allowed.
enum Postfix {
    Expr(Expr, u32),
    Range(ByteRange, u32),
}

struct Parser {
    tokens: Vec<Token>,
    pos: usize,
    file: Arc<SourceFile>,
    diagnostics: Vec<Diagnostic>,
    /// Set after an error until the parser resynchronises; errors are not reported meanwhile.
    recovering: bool,
    /// Set when an unclosed `{` has been reported, until the next item: the enclosing blocks
    /// are then unclosed too, and that is the same mistake.
    unclosed: bool,
    depth: u32,
}

/// Binding powers of the binary operators: `(left, right)`; higher binds tighter.
fn binary_op(kind: &TokenKind) -> Option<(BinaryOp, u8, u8)> {
    let TokenKind::Punct(p) = kind else {
        return None;
    };
    let (op, power) = match p {
        Punct::OrOr => (BinaryOp::Or, 1),
        Punct::AndAnd => (BinaryOp::And, 2),
        Punct::EqEq => (BinaryOp::Eq, 3),
        Punct::NotEq => (BinaryOp::Ne, 3),
        Punct::Lt => (BinaryOp::Lt, 3),
        Punct::Le => (BinaryOp::Le, 3),
        Punct::Gt => (BinaryOp::Gt, 3),
        Punct::Ge => (BinaryOp::Ge, 3),
        Punct::Pipe => (BinaryOp::BitOr, 4),
        Punct::Caret => (BinaryOp::BitXor, 5),
        Punct::Amp => (BinaryOp::BitAnd, 6),
        Punct::Shl => (BinaryOp::Shl, 7),
        Punct::Shr => (BinaryOp::Shr, 7),
        Punct::Plus => (BinaryOp::Add, 8),
        Punct::Minus => (BinaryOp::Sub, 8),
        Punct::Star => (BinaryOp::Mul, 9),
        Punct::Slash => (BinaryOp::Div, 9),
        Punct::Percent => (BinaryOp::Rem, 9),
        _ => return None,
    };
    // Left-associative: the right operand binds one step tighter.
    Some((op, power * 2, power * 2 + 1))
}

/// The binding power of `as`: tighter than every binary operator, looser than unary ones.
const AS_POWER: u8 = 20;

impl Parser {
    // ---------------------------------------------------------------- token helpers

    fn peek(&self) -> &TokenKind {
        self.peek_nth(0)
    }

    fn peek_nth(&self, n: usize) -> &TokenKind {
        self.tokens
            .get(self.pos + n)
            .or_else(|| self.tokens.last())
            .map_or(&TokenKind::Eof, |t| &t.kind)
    }

    fn span(&self) -> Span {
        self.tokens
            .get(self.pos)
            .or_else(|| self.tokens.last())
            .map_or(Span::default(), |t| t.span)
    }

    /// The end of the last consumed token.
    fn prev_end(&self) -> u32 {
        self.pos
            .checked_sub(1)
            .and_then(|i| self.tokens.get(i))
            .map_or(0, |t| t.span.end)
    }

    /// A span from `start` to the end of the last consumed token.
    fn since(&self, start: Span) -> Span {
        Span::new(start.start, self.prev_end().max(start.start))
    }

    fn bump(&mut self) -> Token {
        let token = self
            .tokens
            .get(self.pos)
            .or_else(|| self.tokens.last())
            .cloned()
            .unwrap_or(Token {
                kind: TokenKind::Eof,
                span: Span::default(),
            });
        if self.pos < self.tokens.len().saturating_sub(1) {
            self.pos += 1;
        }
        token
    }

    fn at_eof(&self) -> bool {
        matches!(self.peek(), TokenKind::Eof)
    }

    fn at_punct(&self, p: Punct) -> bool {
        matches!(self.peek(), TokenKind::Punct(q) if *q == p)
    }

    fn at_keyword(&self, k: Keyword) -> bool {
        matches!(self.peek(), TokenKind::Keyword(q) if *q == k)
    }

    fn at_word(&self, word: &str) -> bool {
        matches!(self.peek(), TokenKind::Ident(name) if name == word)
    }

    fn eat_punct(&mut self, p: Punct) -> bool {
        if self.at_punct(p) {
            self.bump();
            true
        } else {
            false
        }
    }

    fn eat_keyword(&mut self, k: Keyword) -> bool {
        if self.at_keyword(k) {
            self.bump();
            true
        } else {
            false
        }
    }

    // ---------------------------------------------------------------- errors

    fn report(&mut self, diagnostic: Diagnostic) {
        if !self.recovering {
            self.diagnostics.push(diagnostic);
        }
        self.recovering = true;
    }

    fn error(&mut self, span: Span, error: Error) {
        self.report(Diagnostic::new(self.file.clone(), span, error));
    }

    fn error_hint(&mut self, span: Span, error: Error, hint: impl Into<String>) {
        self.report(Diagnostic::new(self.file.clone(), span, error).with_hint(hint));
    }

    /// Reports the current token as unexpected. A malformed literal has been reported by the
    /// lexer already and only starts recovery.
    fn unexpected(&mut self, expected: &str) -> Failed {
        self.unexpected_hint(expected, None)
    }

    fn unexpected_hint(&mut self, expected: &str, hint: Option<String>) -> Failed {
        let span = self.span();
        match self.peek().clone() {
            TokenKind::Error => self.recovering = true,
            found => {
                let mut d = Diagnostic::new(
                    self.file.clone(),
                    span,
                    Error::UnexpectedToken {
                        found: found.to_string(),
                        expected: expected.to_string(),
                    },
                );
                if let Some(hint) = hint {
                    d = d.with_hint(hint);
                }
                self.report(d);
            }
        }
        Failed
    }

    fn expect_punct(&mut self, p: Punct, expected: &str) -> PResult<Span> {
        if self.at_punct(p) {
            Ok(self.bump().span)
        } else {
            Err(self.unexpected(expected))
        }
    }

    fn expect_keyword(&mut self, k: Keyword, expected: &str) -> PResult<Span> {
        if self.at_keyword(k) {
            Ok(self.bump().span)
        } else {
            Err(self.unexpected(expected))
        }
    }

    /// A name. Keywords are accepted as names only where `allow_keywords` (stub, syscall and
    /// event names, which live in their own namespaces); elsewhere a keyword is reported and
    /// still taken, so that parsing goes on.
    fn name(&mut self, what: &'static str, allow_keywords: bool) -> PResult<Ident> {
        match self.peek().clone() {
            TokenKind::Ident(name) => {
                let span = self.bump().span;
                Ok(Ident { name, span })
            }
            TokenKind::Keyword(k) => {
                let span = self.bump().span;
                if !allow_keywords {
                    self.error_hint(
                        span,
                        Error::ReservedWord {
                            word: k.text().to_string(),
                            what,
                        },
                        format!("choose another name, such as `{}_`", k.text()),
                    );
                }
                Ok(Ident {
                    name: k.text().to_string(),
                    span,
                })
            }
            _ => Err(self.unexpected(&format!("a {what} name"))),
        }
    }

    fn type_name(&mut self) -> PResult<TypeName> {
        match self.peek().clone() {
            TokenKind::Ident(name) => {
                let span = self.bump().span;
                Ok(TypeName {
                    name: Ident { name, span },
                })
            }
            _ => Err(self.unexpected("a type")),
        }
    }

    // ---------------------------------------------------------------- items

    fn items(&mut self) -> Vec<Item> {
        let mut items = Vec::new();
        while !self.at_eof() {
            self.recovering = false;
            self.unclosed = false;
            let item = match self.peek() {
                TokenKind::Keyword(Keyword::Global) => self.global().map(Item::Global),
                TokenKind::Keyword(Keyword::Uninterpreted) => {
                    self.uninterpreted().map(Item::Uninterpreted)
                }
                TokenKind::Keyword(Keyword::Syscall) => {
                    self.function(FunctionKind::Syscall).map(Item::Function)
                }
                TokenKind::Keyword(Keyword::Stub) => {
                    self.function(FunctionKind::Stub).map(Item::Function)
                }
                TokenKind::Keyword(Keyword::Example) => self.example().map(Item::Example),
                TokenKind::Punct(Punct::Semicolon) => {
                    self.bump();
                    continue;
                }
                TokenKind::Keyword(k) if k.starts_statement() => {
                    let hint = "statements belong inside a `syscall` or `stub` body".to_string();
                    Err(self.unexpected_hint(ITEM_EXPECTED, Some(hint)))
                }
                _ => Err(self.unexpected(ITEM_EXPECTED)),
            };
            match item {
                Ok(item) => items.push(item),
                Err(Failed) => self.skip_to_item(),
            }
        }
        items
    }

    /// Skips to the next item keyword. An item keyword where the failure happened is the
    /// start of the next item (item parsers consume their own keyword first, so this always
    /// makes progress).
    fn skip_to_item(&mut self) {
        while !self.at_eof() {
            if let TokenKind::Keyword(k) = self.peek()
                && k.starts_item()
            {
                break;
            }
            self.bump();
        }
    }

    /// After an item's last token: nothing but the next item may follow.
    fn end_of_item(&mut self) -> PResult<()> {
        self.eat_punct(Punct::Semicolon);
        match self.peek() {
            TokenKind::Eof => Ok(()),
            TokenKind::Keyword(k) if k.starts_item() => Ok(()),
            _ => Err(self.unexpected(ITEM_EXPECTED)),
        }
    }

    fn global(&mut self) -> PResult<Global> {
        let start = self.bump().span;
        let name = self.name("global", false)?;
        self.expect_punct(Punct::Colon, "`:` and the global's type")?;
        let ty = self.type_name()?;
        if !self.at_punct(Punct::Assign) {
            let hint = format!(
                "a ghost global needs an initial value: `global {}: {} = 0`",
                name.name, ty.name.name
            );
            return Err(self.unexpected_hint("`=` and the initial value", Some(hint)));
        }
        self.bump();
        let init = self.top_expr()?;
        let span = self.since(start);
        self.end_of_item()?;
        Ok(Global {
            name,
            ty,
            init,
            span,
        })
    }

    fn uninterpreted(&mut self) -> PResult<Uninterpreted> {
        let start = self.bump().span;
        let name = self.name("function", false)?;
        let params = self.params()?;
        self.expect_punct(Punct::Arrow, "`->` and the result type")?;
        let ret = self.type_name()?;
        let span = self.since(start);
        self.end_of_item()?;
        Ok(Uninterpreted {
            name,
            params,
            ret,
            span,
        })
    }

    fn params(&mut self) -> PResult<Vec<Param>> {
        self.expect_punct(Punct::LParen, "`(` and the parameters")?;
        let mut params = Vec::new();
        while !self.at_punct(Punct::RParen) {
            let name = self.name("parameter", false)?;
            if !self.at_punct(Punct::Colon) {
                let hint = format!("give the parameter a type: `{}: u64`", name.name);
                return Err(self.unexpected_hint("`:` and the parameter's type", Some(hint)));
            }
            self.bump();
            let ty = self.type_name()?;
            let span = name.span.to(ty.name.span);
            params.push(Param { name, ty, span });
            if !self.eat_punct(Punct::Comma) {
                break;
            }
        }
        self.expect_punct(Punct::RParen, "`,` or `)`")?;
        Ok(params)
    }

    fn function(&mut self, kind: FunctionKind) -> PResult<Function> {
        let start = self.bump().span;
        let name = self.name(kind.keyword(), true)?;
        let params = self.params()?;
        if !self.at_punct(Punct::Arrow) {
            let hint = match kind {
                FunctionKind::Syscall => "a system call returns a value: write `-> i64`",
                FunctionKind::Stub => "write `-> void` for a stub that returns nothing",
            };
            return Err(self.unexpected_hint("`->` and the return type", Some(hint.into())));
        }
        self.bump();
        let ret = self.type_name()?;
        let body = self.block()?;
        let span = self.since(start);
        self.end_of_item()?;
        Ok(Function {
            kind,
            name,
            params,
            ret,
            body,
            span,
        })
    }

    // ---------------------------------------------------------------- statements

    /// `{ STATEMENTS }`. An item keyword or the end of the file before the closing brace
    /// reports the unclosed brace.
    fn block(&mut self) -> PResult<Block> {
        if !self.at_punct(Punct::LBrace) {
            return Err(self.unexpected("`{`"));
        }
        let open = self.bump().span;
        self.depth += 1;
        let result = self.block_rest(open);
        self.depth -= 1;
        result
    }

    fn block_rest(&mut self, open: Span) -> PResult<Block> {
        if self.depth > MAX_DEPTH {
            self.error(open, Error::TooDeep(MAX_DEPTH));
            return Err(Failed);
        }
        let mut stmts = Vec::new();
        loop {
            match self.peek().clone() {
                TokenKind::Punct(Punct::RBrace) => {
                    self.bump();
                    break;
                }
                TokenKind::Punct(Punct::Semicolon) => {
                    self.bump();
                }
                TokenKind::Eof => {
                    self.unclosed_brace(open);
                    return Err(Failed);
                }
                TokenKind::Keyword(k) if k.starts_item() => {
                    self.unclosed_brace(open);
                    return Err(Failed);
                }
                _ => {
                    self.recovering = false;
                    match self.statement() {
                        Ok(stmt) => stmts.push(stmt),
                        Err(Failed) => self.skip_statement(),
                    }
                }
            }
        }
        Ok(Block {
            stmts,
            span: self.since(open),
        })
    }

    fn unclosed_brace(&mut self, open: Span) {
        if self.unclosed {
            return;
        }
        self.unclosed = true;
        self.recovering = false;
        let found = self.peek().to_string();
        let here = self.span();
        let d = Diagnostic::new(
            self.file.clone(),
            open,
            Error::Unclosed {
                open: "{",
                close: "}",
                found,
            },
        )
        .with_note(here, "expected `}` before this")
        .with_hint("add the missing `}`");
        self.report(d);
    }

    /// Skips the rest of a bad statement: up to the next statement keyword, an assignment
    /// `NAME =`, or the end of the enclosing block, stepping over nested braces.
    fn skip_statement(&mut self) {
        let mut depth = 0u32;
        loop {
            match self.peek() {
                TokenKind::Eof => return,
                TokenKind::Keyword(k) if k.starts_item() => return,
                TokenKind::Keyword(k) if depth == 0 && k.starts_statement() => return,
                TokenKind::Ident(_)
                    if depth == 0
                        && matches!(self.peek_nth(1), TokenKind::Punct(Punct::Assign)) =>
                {
                    return;
                }
                TokenKind::Punct(Punct::LBrace) => depth += 1,
                TokenKind::Punct(Punct::RBrace) => {
                    if depth == 0 {
                        return;
                    }
                    depth -= 1;
                }
                _ => {}
            }
            self.bump();
        }
    }

    fn statement(&mut self) -> PResult<Stmt> {
        let start = self.span();
        let kind = match self.peek().clone() {
            TokenKind::Keyword(Keyword::Number) => {
                self.bump();
                let arch = self.name("architecture", false)?;
                self.expect_punct(Punct::Assign, "`=` and the system-call number")?;
                let value_span = self.span();
                let value = match self.peek() {
                    TokenKind::Int(value, _) => *value,
                    _ => return Err(self.unexpected("an integer literal")),
                };
                self.bump();
                StmtKind::Number {
                    arch,
                    value,
                    value_span,
                }
            }
            TokenKind::Keyword(Keyword::Clobbers) => {
                self.bump();
                StmtKind::Clobbers(self.clobbers()?)
            }
            TokenKind::Keyword(Keyword::Let) => {
                self.bump();
                let name = self.name("`let` binding", false)?;
                let ty = if self.eat_punct(Punct::Colon) {
                    Some(self.type_name()?)
                } else {
                    None
                };
                self.expect_punct(Punct::Assign, "`=` and the value")?;
                let value = self.top_expr()?;
                StmtKind::Let { name, ty, value }
            }
            TokenKind::Keyword(Keyword::If) => self.if_statement()?,
            TokenKind::Keyword(Keyword::Assume) => {
                self.bump();
                StmtKind::Assume(self.top_expr()?)
            }
            TokenKind::Keyword(Keyword::Assert) => {
                self.bump();
                let cond = self.top_expr()?;
                let message = if self.eat_punct(Punct::Comma) {
                    let span = self.span();
                    match self.peek().clone() {
                        TokenKind::Str(bytes) => {
                            self.bump();
                            Some((String::from_utf8_lossy(&bytes).into_owned(), span))
                        }
                        _ => return Err(self.unexpected("a message string")),
                    }
                } else {
                    None
                };
                StmtKind::Assert { cond, message }
            }
            TokenKind::Keyword(Keyword::Store) => {
                self.bump();
                self.store()?
            }
            TokenKind::Keyword(Keyword::Event) => {
                self.bump();
                let name = self.name("event", true)?;
                self.expect_punct(Punct::LParen, "`(` and the event's arguments")?;
                let mut args = Vec::new();
                while !self.at_punct(Punct::RParen) {
                    args.push(match self.expr_or_range()? {
                        Postfix::Expr(e, _) => EventArg::Value(e),
                        Postfix::Range(r, _) => EventArg::Bytes(r),
                    });
                    if !self.eat_punct(Punct::Comma) {
                        break;
                    }
                }
                self.expect_punct(Punct::RParen, "`,` or `)`")?;
                StmtKind::Event { name, args }
            }
            TokenKind::Keyword(Keyword::Return) => {
                self.bump();
                if self.starts_expr() {
                    StmtKind::Return(Some(self.top_expr()?))
                } else {
                    StmtKind::Return(None)
                }
            }
            TokenKind::Keyword(Keyword::Exit) => {
                self.bump();
                StmtKind::Exit(self.top_expr()?)
            }
            TokenKind::Ident(name)
                if matches!(self.peek_nth(1), TokenKind::Punct(Punct::Assign)) =>
            {
                let span = self.bump().span;
                self.bump();
                let value = self.top_expr()?;
                StmtKind::Assign {
                    target: Ident { name, span },
                    value,
                }
            }
            TokenKind::Ident(name) => {
                let hint = if matches!(self.peek_nth(1), TokenKind::Punct(Punct::LParen)) {
                    format!("a call is not a statement; bind its value: `let v = {name}(...)`")
                } else {
                    "statements start with `let`, `if`, `assume`, `assert`, `store`, `event`, \
                     `return`, `exit`, or `NAME =` for a ghost global"
                        .to_string()
                };
                return Err(self.unexpected_hint(STATEMENT_EXPECTED, Some(hint)));
            }
            _ => return Err(self.unexpected(STATEMENT_EXPECTED)),
        };
        self.eat_punct(Punct::Semicolon);
        Ok(Stmt {
            kind,
            span: self.since(start),
        })
    }

    fn if_statement(&mut self) -> PResult<StmtKind> {
        self.bump(); // `if`
        let cond = self.top_expr()?;
        if self.at_keyword(Keyword::Then) {
            let hint = "`if c then a else b` is an expression; an `if` statement takes a block \
                        `{ ... }`"
                .to_string();
            return Err(self.unexpected_hint("`{`", Some(hint)));
        }
        let then_block = self.block()?;
        let else_block = if self.eat_keyword(Keyword::Else) {
            if self.at_keyword(Keyword::If) {
                let start = self.span();
                self.depth += 1;
                let nested = if self.depth > MAX_DEPTH {
                    self.error(start, Error::TooDeep(MAX_DEPTH));
                    Err(Failed)
                } else {
                    self.if_statement()
                };
                self.depth -= 1;
                let kind = nested?;
                let span = self.since(start);
                Some(Block {
                    stmts: vec![Stmt { kind, span }],
                    span,
                })
            } else {
                Some(self.block()?)
            }
        } else {
            None
        };
        Ok(StmtKind::If {
            cond,
            then_block,
            else_block,
        })
    }

    fn clobbers(&mut self) -> PResult<Clobbers> {
        if self.at_word("caller_saved") {
            return Ok(Clobbers::CallerSaved(self.bump().span));
        }
        let arch = if matches!(self.peek(), TokenKind::Ident(_)) {
            Some(self.name("architecture", false)?)
        } else {
            None
        };
        if !self.at_punct(Punct::LBrace) {
            let hint = "write `clobbers caller_saved`, `clobbers { REG, ... }` or \
                        `clobbers ARCH { REG, ... }`"
                .to_string();
            return Err(self.unexpected_hint("`caller_saved` or `{`", Some(hint)));
        }
        self.bump();
        let mut registers = Vec::new();
        while !self.at_punct(Punct::RBrace) {
            registers.push(self.name("register", false)?);
            if !self.eat_punct(Punct::Comma) {
                break;
            }
        }
        self.expect_punct(Punct::RBrace, "`,` or `}`")?;
        Ok(Clobbers::Registers { arch, registers })
    }

    /// `store PTR[A .. B] = V`, `store PTR[I] = V` or `store ADDR: TYPE = V`.
    fn store(&mut self) -> PResult<StmtKind> {
        let target = self.expr_or_range()?;
        match target {
            Postfix::Range(range, _) => {
                self.expect_punct(Punct::Assign, "`=` and the value of each byte")?;
                let value = self.top_expr()?;
                Ok(StmtKind::StoreRange { range, value })
            }
            Postfix::Expr(
                Expr {
                    kind: ExprKind::Index { base, offset },
                    ..
                },
                _,
            ) if self.at_punct(Punct::Assign) => {
                self.bump();
                let value = self.top_expr()?;
                Ok(StmtKind::StoreByte {
                    base: *base,
                    offset: *offset,
                    value,
                })
            }
            Postfix::Expr(addr, _) => {
                if !self.at_punct(Punct::Colon) {
                    let hint = "write `store p[a .. b] = byte`, `store p[i] = byte` or \
                                `store p: TYPE = value`"
                        .to_string();
                    return Err(self.unexpected_hint("`:` and the stored type", Some(hint)));
                }
                self.bump();
                let ty = self.type_name()?;
                self.expect_punct(Punct::Assign, "`=` and the stored value")?;
                let value = self.top_expr()?;
                Ok(StmtKind::StoreValue { addr, ty, value })
            }
        }
    }

    // ---------------------------------------------------------------- expressions

    /// Whether the current token can start an expression.
    fn starts_expr(&self) -> bool {
        match self.peek() {
            TokenKind::Ident(_) | TokenKind::Int(..) | TokenKind::Error => true,
            TokenKind::Keyword(k) => {
                matches!(
                    k,
                    Keyword::True | Keyword::False | Keyword::If | Keyword::Load
                )
            }
            TokenKind::Punct(p) => matches!(
                p,
                Punct::LParen | Punct::Minus | Punct::Bang | Punct::Tilde | Punct::Underscore
            ),
            TokenKind::Str(_) | TokenKind::Eof => false,
        }
    }

    /// An expression that is a statement's or item's operand.
    fn top_expr(&mut self) -> PResult<Expr> {
        Ok(self.expr()?.0)
    }

    /// An expression with the depth of its tree.
    fn expr(&mut self) -> PResult<(Expr, u32)> {
        self.expr_bp(0)
    }

    fn expr_bp(&mut self, min: u8) -> PResult<(Expr, u32)> {
        let lhs = self.unary()?;
        self.infix(lhs, min)
    }

    /// A new node over children of depth `depth`: reported when the tree gets too deep, so
    /// that no later walk (nor the drop of the tree) can exhaust the stack.
    fn node(&mut self, kind: ExprKind, span: Span, depth: u32) -> PResult<(Expr, u32)> {
        let depth = depth + 1;
        if depth > MAX_DEPTH {
            self.error(span, Error::TooDeep(MAX_DEPTH));
            return Err(Failed);
        }
        Ok((Expr { kind, span }, depth))
    }

    /// The binary operators and casts that follow `lhs`, binding at least as tight as `min`.
    fn infix(&mut self, lhs: (Expr, u32), min: u8) -> PResult<(Expr, u32)> {
        let (mut lhs, mut depth) = lhs;
        let mut compared = false;
        loop {
            if self.at_keyword(Keyword::As) {
                if AS_POWER < min {
                    break;
                }
                self.bump();
                let ty = self.type_name()?;
                let span = lhs.span.to(ty.name.span);
                (lhs, depth) = self.node(
                    ExprKind::Cast {
                        value: Box::new(lhs),
                        ty,
                    },
                    span,
                    depth,
                )?;
                continue;
            }
            let Some((op, left, right)) = binary_op(self.peek()) else {
                break;
            };
            if left < min {
                break;
            }
            let op_span = self.bump().span;
            if op.is_comparison() {
                if compared {
                    self.error_hint(
                        op_span,
                        Error::ChainedComparison,
                        "combine comparisons with `&&`: `a < b && b < c`",
                    );
                    return Err(Failed);
                }
                compared = true;
            }
            let (rhs, rhs_depth) = self.expr_bp(right)?;
            let span = lhs.span.to(rhs.span);
            (lhs, depth) = self.node(
                ExprKind::Binary {
                    op,
                    op_span,
                    lhs: Box::new(lhs),
                    rhs: Box::new(rhs),
                },
                span,
                depth.max(rhs_depth),
            )?;
        }
        Ok((lhs, depth))
    }

    /// Counts a level of recursion, failing beyond [`MAX_DEPTH`].
    fn enter(&mut self) -> PResult<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            let span = self.span();
            self.error(span, Error::TooDeep(MAX_DEPTH));
            self.depth -= 1;
            return Err(Failed);
        }
        Ok(())
    }

    fn unary(&mut self) -> PResult<(Expr, u32)> {
        self.enter()?;
        let result = self.unary_inner();
        self.depth -= 1;
        result
    }

    fn unary_inner(&mut self) -> PResult<(Expr, u32)> {
        let op = match self.peek() {
            TokenKind::Punct(Punct::Minus) => Some(UnaryOp::Neg),
            TokenKind::Punct(Punct::Bang) => Some(UnaryOp::Not),
            TokenKind::Punct(Punct::Tilde) => Some(UnaryOp::BitNot),
            _ => None,
        };
        if let Some(op) = op {
            let start = self.bump().span;
            let (operand, depth) = self.unary()?;
            let span = start.to(operand.span);
            return self.node(
                ExprKind::Unary {
                    op,
                    operand: Box::new(operand),
                },
                span,
                depth,
            );
        }
        match self.postfix(false)? {
            Postfix::Expr(e, depth) => Ok((e, depth)),
            // `postfix(false)` reports ranges itself.
            Postfix::Range(r, _) => Ok((
                Expr {
                    kind: ExprKind::Error,
                    span: r.span,
                },
                1,
            )),
        }
    }

    /// An expression, or a byte range `p[a .. b]` standing alone (an event argument or a store
    /// target).
    fn expr_or_range(&mut self) -> PResult<Postfix> {
        if matches!(
            self.peek(),
            TokenKind::Punct(Punct::Minus | Punct::Bang | Punct::Tilde)
        ) {
            let (e, depth) = self.expr()?;
            return Ok(Postfix::Expr(e, depth));
        }
        self.enter()?;
        let first = self.postfix(true);
        self.depth -= 1;
        match first? {
            Postfix::Range(range, depth) => Ok(Postfix::Range(range, depth)),
            Postfix::Expr(lhs, depth) => {
                let (e, depth) = self.infix((lhs, depth), 0)?;
                Ok(Postfix::Expr(e, depth))
            }
        }
    }

    /// A primary expression and its `[...]` suffixes. A `[a .. b]` suffix is a byte range; it
    /// is returned when `allow_range` and reported otherwise.
    fn postfix(&mut self, allow_range: bool) -> PResult<Postfix> {
        let (mut expr, mut depth) = self.primary()?;
        while self.at_punct(Punct::LBracket) {
            let open = self.bump().span;
            let (index, index_depth) = self.expr()?;
            if self.at_punct(Punct::DotDot) {
                self.bump();
                let (end, end_depth) = self.expr()?;
                self.close(Punct::RBracket, "`]`", open)?;
                let span = expr.span.to(self.since(open));
                let range = ByteRange {
                    base: expr,
                    start: index,
                    end,
                    span,
                };
                if allow_range && !self.at_punct(Punct::LBracket) {
                    return Ok(Postfix::Range(
                        range,
                        depth.max(index_depth).max(end_depth) + 1,
                    ));
                }
                self.error_hint(
                    span,
                    Error::RangeNotAllowed,
                    "read one byte with `p[i]` or a value with `load(p, TYPE)`",
                );
                return Err(Failed);
            }
            self.close(Punct::RBracket, "`..` or `]`", open)?;
            let span = expr.span.to(self.since(open));
            (expr, depth) = self.node(
                ExprKind::Index {
                    base: Box::new(expr),
                    offset: Box::new(index),
                },
                span,
                depth.max(index_depth),
            )?;
        }
        Ok(Postfix::Expr(expr, depth))
    }

    /// Expects a closing delimiter, pointing at the opening one when it is missing.
    fn close(&mut self, p: Punct, expected: &str, open: Span) -> PResult<Span> {
        if self.at_punct(p) {
            return Ok(self.bump().span);
        }
        if matches!(self.peek(), TokenKind::Error) {
            self.recovering = true;
            return Err(Failed);
        }
        let span = self.span();
        let d = Diagnostic::new(
            self.file.clone(),
            span,
            Error::UnexpectedToken {
                found: self.peek().to_string(),
                expected: expected.to_string(),
            },
        )
        .with_note(open, "to close this");
        self.report(d);
        Err(Failed)
    }

    fn primary(&mut self) -> PResult<(Expr, u32)> {
        let start = self.span();
        let mut depth = 0;
        let kind = match self.peek().clone() {
            TokenKind::Int(value, base) => {
                self.bump();
                ExprKind::Int { value, base }
            }
            TokenKind::Keyword(Keyword::True) => {
                self.bump();
                ExprKind::Bool(true)
            }
            TokenKind::Keyword(Keyword::False) => {
                self.bump();
                ExprKind::Bool(false)
            }
            TokenKind::Punct(Punct::Underscore) => {
                self.bump();
                ExprKind::Offset
            }
            TokenKind::Ident(name) => {
                let span = self.bump().span;
                let ident = Ident { name, span };
                if self.at_punct(Punct::LParen) {
                    let open = self.bump().span;
                    let mut args = Vec::new();
                    while !self.at_punct(Punct::RParen) {
                        let (arg, d) = self.expr()?;
                        depth = depth.max(d);
                        args.push(arg);
                        if !self.eat_punct(Punct::Comma) {
                            break;
                        }
                    }
                    self.close(Punct::RParen, "`,` or `)`", open)?;
                    ExprKind::Call {
                        callee: ident,
                        args,
                    }
                } else {
                    ExprKind::Name(ident)
                }
            }
            TokenKind::Keyword(Keyword::Load) => {
                self.bump();
                let open = self.expect_punct(Punct::LParen, "`(` after `load`")?;
                let (addr, d) = self.expr()?;
                depth = d;
                if !self.at_punct(Punct::Comma) {
                    let hint = "`load` takes an address and a type: `load(p, u32)`".to_string();
                    return Err(self.unexpected_hint("`,` and the loaded type", Some(hint)));
                }
                self.bump();
                let ty = self.type_name()?;
                self.close(Punct::RParen, "`)`", open)?;
                ExprKind::Load {
                    addr: Box::new(addr),
                    ty,
                }
            }
            TokenKind::Keyword(Keyword::If) => {
                self.bump();
                let (cond, d1) = self.expr()?;
                if !self.at_keyword(Keyword::Then) {
                    let hint = "an `if` expression is written `if c then a else b`".to_string();
                    return Err(self.unexpected_hint("`then`", Some(hint)));
                }
                self.bump();
                let (then_value, d2) = self.expr()?;
                self.expect_keyword(
                    Keyword::Else,
                    "`else`: an `if` expression needs both values",
                )?;
                let (else_value, d3) = self.expr()?;
                depth = d1.max(d2).max(d3);
                ExprKind::If {
                    cond: Box::new(cond),
                    then_value: Box::new(then_value),
                    else_value: Box::new(else_value),
                }
            }
            TokenKind::Punct(Punct::LParen) => {
                let open = self.bump().span;
                let (inner, d) = self.expr()?;
                self.close(Punct::RParen, "`)`", open)?;
                // The parentheses belong to the inner expression's span.
                return Ok((
                    Expr {
                        kind: inner.kind,
                        span: self.since(open),
                    },
                    d,
                ));
            }
            TokenKind::Error => {
                self.bump();
                self.recovering = true;
                ExprKind::Error
            }
            TokenKind::Str(_) => {
                let hint = "strings are only allowed as `assert` messages and in examples";
                return Err(self.unexpected_hint("an expression", Some(hint.to_string())));
            }
            _ => return Err(self.unexpected("an expression")),
        };
        let span = self.since(start);
        self.node(kind, span, depth)
    }

    // ---------------------------------------------------------------- examples

    fn example(&mut self) -> PResult<Example> {
        let start = self.bump().span;
        let target_kind = if self.eat_keyword(Keyword::Syscall) {
            Some(FunctionKind::Syscall)
        } else if self.eat_keyword(Keyword::Stub) {
            Some(FunctionKind::Stub)
        } else {
            None
        };
        let target = self.name("stub", true)?;
        let title = match self.peek().clone() {
            TokenKind::Str(bytes) => {
                self.bump();
                Some(String::from_utf8_lossy(&bytes).into_owned())
            }
            _ => None,
        };
        let open = self.expect_punct(Punct::LBrace, "`{` (or a title string)")?;
        let mut clauses = Vec::new();
        loop {
            match self.peek() {
                TokenKind::Punct(Punct::RBrace) => {
                    self.bump();
                    break;
                }
                TokenKind::Punct(Punct::Semicolon) => {
                    self.bump();
                }
                TokenKind::Eof => {
                    self.unclosed_brace(open);
                    return Err(Failed);
                }
                TokenKind::Keyword(k) if k.starts_item() => {
                    self.unclosed_brace(open);
                    return Err(Failed);
                }
                _ => clauses.push(self.clause()?),
            }
        }
        let span = self.since(start);
        self.end_of_item()?;
        Ok(Example {
            target_kind,
            target,
            title,
            clauses,
            span,
        })
    }

    fn clause(&mut self) -> PResult<ExampleClause> {
        let start = self.span();
        let word = match self.peek() {
            TokenKind::Ident(word) => word.clone(),
            _ => return Err(self.unexpected(CLAUSE_EXPECTED)),
        };
        let kind = match word.as_str() {
            "args" => {
                self.bump();
                ExampleClauseKind::Args(self.named_values("parameter")?)
            }
            "after" => {
                self.bump();
                ExampleClauseKind::After(self.named_values("parameter or global")?)
            }
            "given" => {
                self.bump();
                let mut givens = Vec::new();
                loop {
                    givens.push(self.given()?);
                    if !self.eat_punct(Punct::Comma) {
                        break;
                    }
                }
                ExampleClauseKind::Given(givens)
            }
            "returns" => {
                self.bump();
                ExampleClauseKind::Returns(self.top_expr()?)
            }
            "exits" => {
                self.bump();
                ExampleClauseKind::Exits(self.top_expr()?)
            }
            "fails" => {
                self.bump();
                let span = self.span();
                match self.peek().clone() {
                    TokenKind::Str(bytes) => {
                        self.bump();
                        ExampleClauseKind::Fails(Some((
                            String::from_utf8_lossy(&bytes).into_owned(),
                            span,
                        )))
                    }
                    _ => ExampleClauseKind::Fails(None),
                }
            }
            "events" => {
                self.bump();
                if self.at_word("none")
                    && !matches!(self.peek_nth(1), TokenKind::Punct(Punct::LParen))
                {
                    self.bump();
                    ExampleClauseKind::Events(Vec::new())
                } else {
                    let mut events = Vec::new();
                    loop {
                        let name = self.name("event", true)?;
                        let open =
                            self.expect_punct(Punct::LParen, "`(` and the event's arguments")?;
                        let mut args = Vec::new();
                        while !self.at_punct(Punct::RParen) {
                            args.push(self.example_value()?);
                            if !self.eat_punct(Punct::Comma) {
                                break;
                            }
                        }
                        self.close(Punct::RParen, "`,` or `)`", open)?;
                        let span = name.span.to(self.since(open));
                        events.push(ExampleEvent { name, args, span });
                        if !self.eat_punct(Punct::Comma) {
                            break;
                        }
                    }
                    ExampleClauseKind::Events(events)
                }
            }
            _ => {
                let span = self.span();
                self.error_hint(
                    span,
                    Error::UnknownClause(word),
                    "the clauses are `args`, `given`, `returns`, `exits`, `fails`, `after` \
                     and `events`",
                );
                return Err(Failed);
            }
        };
        Ok(ExampleClause {
            kind,
            span: self.since(start),
        })
    }

    /// `NAME = VALUE, ...`
    fn named_values(&mut self, what: &'static str) -> PResult<Vec<(Ident, ExampleValue)>> {
        let mut values = Vec::new();
        loop {
            let name = self.name(what, false)?;
            self.expect_punct(Punct::Assign, "`=` and a value")?;
            values.push((name, self.example_value()?));
            if !self.eat_punct(Punct::Comma) {
                break;
            }
        }
        Ok(values)
    }

    /// `GLOBAL = VALUE` or `F(ARGS) = VALUE`.
    fn given(&mut self) -> PResult<Given> {
        let name = self.name("global or function", false)?;
        if self.at_punct(Punct::LParen) {
            let open = self.bump().span;
            let mut args = Vec::new();
            while !self.at_punct(Punct::RParen) {
                if self.at_punct(Punct::Underscore)
                    && matches!(
                        self.peek_nth(1),
                        TokenKind::Punct(Punct::Comma | Punct::RParen)
                    )
                {
                    self.bump();
                    args.push(None);
                } else {
                    args.push(Some(self.top_expr()?));
                }
                if !self.eat_punct(Punct::Comma) {
                    break;
                }
            }
            self.close(Punct::RParen, "`,` or `)`", open)?;
            self.expect_punct(Punct::Assign, "`=` and the function's value")?;
            let value = self.example_value()?;
            let span = name.span.to(Span::new(self.prev_end(), self.prev_end()));
            Ok(Given::Call {
                function: name,
                args,
                value,
                span,
            })
        } else {
            self.expect_punct(Punct::Assign, "`=` and the global's value")?;
            let value = self.top_expr()?;
            Ok(Given::Global { name, value })
        }
    }

    /// A constant expression, or bytes: `"text"`, `bytes "68 69"`, `zeros N`.
    fn example_value(&mut self) -> PResult<ExampleValue> {
        let start = self.span();
        match self.peek().clone() {
            TokenKind::Str(bytes) => {
                self.bump();
                Ok(ExampleValue::Bytes(ByteString { bytes, span: start }))
            }
            TokenKind::Ident(word) if word == "bytes" => {
                if let TokenKind::Str(text) = self.peek_nth(1).clone() {
                    self.bump();
                    let span = self.bump().span;
                    match hex_bytes(&text) {
                        Ok(bytes) => Ok(ExampleValue::Bytes(ByteString {
                            bytes,
                            span: start.to(span),
                        })),
                        Err(reason) => {
                            self.error_hint(
                                span,
                                Error::BadHexBytes(reason),
                                "write two hex digits per byte, optionally separated by spaces: \
                                 `bytes \"68 69 0a\"`",
                            );
                            Err(Failed)
                        }
                    }
                } else {
                    Ok(ExampleValue::Expr(self.top_expr()?))
                }
            }
            TokenKind::Ident(word) if word == "zeros" => {
                if let TokenKind::Int(count, _) = *self.peek_nth(1) {
                    self.bump();
                    let span = self.bump().span;
                    if count > MAX_ZEROS {
                        self.error(
                            span,
                            Error::ExampleValue {
                                expected: format!("at most {MAX_ZEROS} bytes"),
                                found: "a larger block",
                            },
                        );
                        return Err(Failed);
                    }
                    Ok(ExampleValue::Bytes(ByteString {
                        bytes: vec![0; usize::try_from(count).unwrap_or(0)],
                        span: start.to(span),
                    }))
                } else {
                    Ok(ExampleValue::Expr(self.top_expr()?))
                }
            }
            _ => Ok(ExampleValue::Expr(self.top_expr()?)),
        }
    }
}

const ITEM_EXPECTED: &str = "an item (`global`, `uninterpreted`, `syscall`, `stub` or `example`)";
const STATEMENT_EXPECTED: &str = "a statement";
const CLAUSE_EXPECTED: &str =
    "an example clause (`args`, `given`, `returns`, `exits`, `fails`, `after`, `events`) or `}`";

/// Decodes the text of `bytes "..."`: pairs of hex digits, spaces and underscores ignored.
fn hex_bytes(text: &[u8]) -> Result<Vec<u8>, String> {
    let digits: Vec<u8> = text
        .iter()
        .copied()
        .filter(|c| !matches!(c, b' ' | b'_'))
        .collect();
    if let Some(&bad) = digits.iter().find(|c| !c.is_ascii_hexdigit()) {
        return Err(format!(
            "`{}` is not a hex digit",
            String::from_utf8_lossy(&[bad])
        ));
    }
    if !digits.len().is_multiple_of(2) {
        return Err("odd number of hex digits".to_string());
    }
    Ok(digits
        .chunks(2)
        .map(|pair| {
            let hi = char::from(pair[0]).to_digit(16).unwrap_or(0);
            let lo = char::from(pair[1]).to_digit(16).unwrap_or(0);
            u8::try_from(hi * 16 + lo).unwrap_or(0)
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> (File, Vec<String>) {
        let file = SourceFile::new("t.tstub", text);
        let (ast, diagnostics) = parse_file(&file);
        (ast, diagnostics.iter().map(|d| d.one_line()).collect())
    }

    fn expr(text: &str) -> Expr {
        let (ast, errors) = parse(&format!("global g: u64 = {text}"));
        assert!(errors.is_empty(), "{errors:?}");
        match ast.items.into_iter().next() {
            Some(Item::Global(g)) => g.init,
            other => panic!("not a global: {other:?}"),
        }
    }

    /// The expression with every operation parenthesised.
    fn show(e: &Expr) -> String {
        match &e.kind {
            ExprKind::Int { value, .. } => value.to_string(),
            ExprKind::Bool(b) => b.to_string(),
            ExprKind::Name(n) => n.name.clone(),
            ExprKind::Offset => "_".into(),
            ExprKind::Unary { op, operand } => format!("({}{})", op.text(), show(operand)),
            ExprKind::Binary { op, lhs, rhs, .. } => {
                format!("({} {} {})", show(lhs), op.text(), show(rhs))
            }
            ExprKind::Cast { value, ty } => format!("({} as {})", show(value), ty.name.name),
            ExprKind::Call { callee, args } => format!(
                "{}({})",
                callee.name,
                args.iter().map(show).collect::<Vec<_>>().join(", ")
            ),
            ExprKind::Load { addr, ty } => format!("load({}, {})", show(addr), ty.name.name),
            ExprKind::Index { base, offset } => format!("{}[{}]", show(base), show(offset)),
            ExprKind::If {
                cond,
                then_value,
                else_value,
            } => format!(
                "(if {} then {} else {})",
                show(cond),
                show(then_value),
                show(else_value)
            ),
            ExprKind::Error => "<error>".into(),
        }
    }

    #[test]
    fn precedence() {
        let cases = [
            ("1 + 2 * 3", "(1 + (2 * 3))"),
            ("1 - 2 - 3", "((1 - 2) - 3)"),
            ("a & 1 == 0", "((a & 1) == 0)"),
            ("a << 2 + 1", "(a << (2 + 1))"),
            ("a | b ^ c & d", "(a | (b ^ (c & d)))"),
            ("a < b && c || d", "(((a < b) && c) || d)"),
            ("-x as u8", "((-x) as u8)"),
            ("(n + 1) as i32", "((n + 1) as i32)"),
            ("x + y as u64", "(x + (y as u64))"),
            ("!f(a, b)[3]", "(!f(a, b)[3])"),
            ("if a then 1 else 2 + 3", "(if a then 1 else (2 + 3))"),
            ("load(p + 8, u32) >> 1", "(load((p + 8), u32) >> 1)"),
            ("~_", "(~_)"),
        ];
        for (text, expected) in cases {
            assert_eq!(show(&expr(text)), expected, "{text}");
        }
    }

    #[test]
    fn spans_cover_parentheses() {
        let e = expr("(a + b)");
        assert_eq!(e.span, Span::new(16, 23));
    }

    #[test]
    fn one_error_per_mistake() {
        let (_, errors) =
            parse("stub f() -> void {\n  let x = + \n  let y = 2\n}\nglobal g: u8 = )");
        assert_eq!(
            errors,
            vec![
                "t.tstub:2:11: unexpected `+`: expected an expression",
                "t.tstub:5:16: unexpected `)`: expected an expression",
            ]
        );
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let deep = format!("global g: u64 = {}1{}", "(".repeat(5000), ")".repeat(5000));
        let (_, errors) = parse(&deep);
        assert_eq!(errors.len(), 1);
        assert!(errors[0].contains("nesting is too deep"), "{errors:?}");
        let long = format!("global g: u64 = 1{}", " + 1".repeat(5000));
        let (_, errors) = parse(&long);
        assert!(errors[0].contains("nesting is too deep"), "{errors:?}");
        let blocks = format!(
            "stub f() -> void {{ {} }}",
            "if true { ".repeat(500) + &"}".repeat(500)
        );
        let (_, errors) = parse(&blocks);
        assert!(errors[0].contains("nesting is too deep"), "{errors:?}");
    }

    #[test]
    fn hex() {
        assert_eq!(hex_bytes(b"61 62_63"), Ok(b"abc".to_vec()));
        assert!(hex_bytes(b"6").is_err());
        assert!(hex_bytes(b"6g").is_err());
    }
}
