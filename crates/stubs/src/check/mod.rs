//! Name resolution and type checking: the syntax tree to the checked form, collecting every
//! error of the file.
//!
//! The checker runs in three passes: declarations (globals, uninterpreted functions, and the
//! names of stubs and syscalls), then function bodies, then examples (which refer to the
//! checked functions). It runs even when the parser reported errors, over the items that
//! parsed; names that a broken item or statement would have declared are then not reported as
//! unknown, so that one typo does not cascade.

mod consteval;
mod example;
mod expr;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use crate::ast;
use crate::checked::{
    self, ClobberedRegister, Clobbers, Function, Global, Local, LocalId, LocalKind, Name, Param,
    StubFile, SyscallNumber, Uninterpreted,
};
use crate::diagnostic::{Diagnostic, Error};
use crate::source::{SourceFile, Span};
use crate::suggest;
use crate::types::{Arch, ReturnType, Type};

/// The names of the built-in functions (`load` is a keyword with its own syntax).
pub(crate) const BUILTINS: [&str; 3] = ["cstring_length", "min", "max"];

/// The declarations of earlier files that a file may use.
#[derive(Debug, Default, Clone)]
pub(crate) struct Env {
    pub globals: BTreeMap<Name, Global>,
    pub uninterpreted: BTreeMap<Name, Uninterpreted>,
}

/// Checks a parsed file against the declarations of earlier files. `quiet` holds names that
/// items or statements with syntax errors declare: they are not reported as unknown.
pub(crate) fn check_file(
    source: &Arc<SourceFile>,
    file: &ast::File,
    env: &Env,
    quiet: &BTreeSet<String>,
) -> (StubFile, Vec<Diagnostic>) {
    let mut checker = Checker {
        source: source.clone(),
        env,
        quiet,
        diagnostics: Vec::new(),
        names: BTreeMap::new(),
        globals: BTreeMap::new(),
        uninterpreted: BTreeMap::new(),
        events: BTreeMap::new(),
    };
    let mut out = StubFile {
        source: source.clone(),
        globals: Vec::new(),
        uninterpreted: Vec::new(),
        syscalls: Vec::new(),
        stubs: Vec::new(),
    };

    // Pass 1: declarations.
    for item in &file.items {
        match item {
            ast::Item::Global(g) => {
                if let Some(global) = checker.global(g) {
                    out.globals.push(global);
                }
            }
            ast::Item::Uninterpreted(u) => {
                if let Some(function) = checker.uninterpreted_decl(u) {
                    out.uninterpreted.push(function);
                }
            }
            ast::Item::Function(_) | ast::Item::Example(_) => {}
        }
    }

    // Pass 2: functions.
    let mut seen: BTreeMap<(ast::FunctionKind, String), Span> = BTreeMap::new();
    let mut emitted = Vec::new();
    let mut positions: Vec<(ast::FunctionKind, usize)> = Vec::new();
    for item in &file.items {
        let ast::Item::Function(f) = item else {
            continue;
        };
        let key = (f.kind, f.name.name.clone());
        if let Some(first) = seen.get(&key) {
            let first_at = source.line_column(first.start);
            checker.push(
                Diagnostic::new(
                    source.clone(),
                    f.name.span,
                    Error::Duplicate {
                        what: f.kind.keyword(),
                        name: f.name.name.clone(),
                        first: first_at,
                    },
                )
                .with_note(*first, "first defined here")
                .with_hint("rename one of them; to replace a stub of another file, define it in a later file"),
            );
            // Check the body all the same, for its own errors.
            let _ = checker.function(f);
            continue;
        }
        seen.insert(key, f.name.span);
        if let Some((function, events)) = checker.function(f) {
            let list = match f.kind {
                ast::FunctionKind::Syscall => &mut out.syscalls,
                ast::FunctionKind::Stub => &mut out.stubs,
            };
            positions.push((f.kind, list.len()));
            list.push(function);
            emitted.push(events);
        }
    }
    checker.syscall_numbers(&out.syscalls);

    // Pass 3: examples.
    let defined: BTreeSet<(ast::FunctionKind, String)> = file
        .items
        .iter()
        .filter_map(|item| match item {
            ast::Item::Function(f) => Some((f.kind, f.name.name.clone())),
            _ => None,
        })
        .collect();
    for item in &file.items {
        let ast::Item::Example(e) = item else {
            continue;
        };
        let target = checker.example_target(e, &out, &defined);
        let Some((kind, index)) = target else {
            continue;
        };
        let list = match kind {
            ast::FunctionKind::Syscall => &mut out.syscalls,
            ast::FunctionKind::Stub => &mut out.stubs,
        };
        let Some(function) = list.get_mut(index) else {
            continue;
        };
        let events = positions
            .iter()
            .position(|p| *p == (kind, index))
            .and_then(|i| emitted.get(i));
        let empty = BTreeSet::new();
        if let Some(example) = checker.example(e, function, events.unwrap_or(&empty)) {
            function.examples.push(example);
        }
    }

    (out, checker.diagnostics)
}

/// A name declared at file level (globals and uninterpreted functions share one namespace
/// with the built-ins).
#[derive(Debug, Clone, Copy)]
struct Declared {
    what: &'static str,
    span: Span,
}

/// The argument kinds of an event, fixed by its first `event` statement in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum EventArgKind {
    Value(Type),
    Bytes,
}

#[derive(Debug, Clone)]
pub(crate) struct EventSignature {
    pub args: Vec<EventArgKind>,
    pub span: Span,
}

pub(crate) struct Checker<'a> {
    source: Arc<SourceFile>,
    env: &'a Env,
    quiet: &'a BTreeSet<String>,
    diagnostics: Vec<Diagnostic>,
    /// File-level names (globals and uninterpreted functions) of this file.
    names: BTreeMap<String, Declared>,
    /// This file's globals by name.
    globals: BTreeMap<String, Global>,
    /// This file's uninterpreted functions by name.
    uninterpreted: BTreeMap<String, Uninterpreted>,
    /// Event signatures of this file.
    events: BTreeMap<String, EventSignature>,
}

/// What a name in a body refers to.
pub(crate) enum Resolved {
    Local(LocalId, Type),
    /// A local whose declaration had an error: uses are not checked further.
    Poisoned,
    Global(Name, Type),
    Function,
    Unknown,
}

/// The state of the function being checked.
pub(crate) struct FnCtx {
    name: String,
    kind: ast::FunctionKind,
    /// The return type (`None` when it is invalid: returns are then not checked against it).
    ret: Option<ReturnType>,
    locals: Vec<Local>,
    /// Nested scopes, innermost last: name to local (`None` when its declaration failed).
    scopes: Vec<Vec<(String, Option<LocalId>)>>,
    /// Names of the events this function emits.
    emitted: BTreeSet<String>,
}

impl FnCtx {
    fn lookup(&self, name: &str) -> Option<Option<LocalId>> {
        self.scopes
            .iter()
            .rev()
            .flat_map(|scope| scope.iter().rev())
            .find(|(n, _)| n == name)
            .map(|(_, id)| *id)
    }
}

/// Where an expression is checked.
#[derive(Clone, Copy)]
pub(crate) struct Ctx<'f> {
    /// The function, or `None` in a constant.
    pub fun: Option<&'f FnCtx>,
    /// Whether `_` is allowed (the value of a range `store`).
    pub offset: bool,
}

impl Ctx<'_> {
    pub const CONSTANT: Ctx<'static> = Ctx {
        fun: None,
        offset: false,
    };
}

impl<'a> Checker<'a> {
    // ---------------------------------------------------------------- reporting

    fn push(&mut self, diagnostic: Diagnostic) {
        self.diagnostics.push(diagnostic);
    }

    fn error(&mut self, span: Span, error: Error) {
        self.push(Diagnostic::new(self.source.clone(), span, error));
    }

    fn error_hint(&mut self, span: Span, error: Error, hint: Option<String>) {
        let mut d = Diagnostic::new(self.source.clone(), span, error);
        if let Some(hint) = hint {
            d = d.with_hint(hint);
        }
        self.push(d);
    }

    /// `file:line:column` of a span in another file, or `line:column` in this one.
    fn place(&self, source: &Arc<SourceFile>, span: Span) -> String {
        if Arc::ptr_eq(source, &self.source) {
            source.line_column(span.start).to_string()
        } else {
            source.position(span.start)
        }
    }

    // ---------------------------------------------------------------- types

    /// A value type: one of the ten types. `void` and `never` are reported as not allowed
    /// `place`.
    fn value_type(&mut self, ty: &ast::TypeName, place: &'static str) -> Option<Type> {
        let name = ty.name.name.as_str();
        if let Some(t) = Type::from_name(name) {
            return Some(t);
        }
        if name == "void" || name == "never" {
            self.error(
                ty.name.span,
                Error::TypeNotAllowed {
                    ty: name.to_string(),
                    place,
                },
            );
            return None;
        }
        self.unknown_type(&ty.name, false);
        None
    }

    fn unknown_type(&mut self, name: &ast::Ident, allow_return: bool) {
        let mut candidates: Vec<&str> = Type::ALL.iter().map(|t| t.name()).collect();
        if allow_return {
            candidates.extend(["void", "never"]);
        }
        let mut hint = suggest::did_you_mean(&name.name, candidates);
        if hint.is_none() && !allow_return {
            hint = Some("the types are u8 u16 u32 u64 i8 i16 i32 i64 bool ptr".to_string());
        }
        self.error_hint(name.span, Error::UnknownType(name.name.clone()), hint);
    }

    /// A type that can cross the calling convention or live in memory: an integer or `ptr`.
    fn machine_type(&mut self, ty: &ast::TypeName, place: &'static str) -> Option<Type> {
        let t = self.value_type(ty, place)?;
        if t == Type::Bool {
            self.error_hint(
                ty.name.span,
                Error::TypeNotAllowed {
                    ty: "bool".to_string(),
                    place,
                },
                Some("use `u8` (or `i32`) and compare with 0".to_string()),
            );
            return None;
        }
        Some(t)
    }

    // ---------------------------------------------------------------- declarations

    /// Registers a file-level name, reporting duplicates and built-in names.
    fn declare(&mut self, name: &ast::Ident, what: &'static str) -> bool {
        if BUILTINS.contains(&name.name.as_str()) {
            self.error(name.span, Error::BuiltinName(name.name.clone()));
            return false;
        }
        if let Some(first) = self.names.get(&name.name).copied() {
            let first_at = self.source.line_column(first.span.start);
            self.push(
                Diagnostic::new(
                    self.source.clone(),
                    name.span,
                    Error::Duplicate {
                        what,
                        name: name.name.clone(),
                        first: first_at,
                    },
                )
                .with_note(first.span, format!("the {} is defined here", first.what)),
            );
            return false;
        }
        self.names.insert(
            name.name.clone(),
            Declared {
                what,
                span: name.span,
            },
        );
        true
    }

    fn global(&mut self, g: &ast::Global) -> Option<Global> {
        let fresh = self.declare(&g.name, "global");
        let ty = self.value_type(&g.ty, "for a global");
        let init = match ty {
            Some(ty) => self.constant(&g.init, ty),
            None => None,
        };
        let (ty, init) = (ty?, init?);
        let global = Global {
            name: g.name.name.as_str().into(),
            ty,
            init,
            span: g.name.span,
            source: self.source.clone(),
        };
        if let Some(previous) = self.env.globals.get(g.name.name.as_str()) {
            if previous.ty != global.ty || previous.init != global.init {
                let place = previous.source.position(previous.span.start);
                self.error_hint(
                    g.name.span,
                    Error::Conflict {
                        what: "global",
                        name: g.name.name.clone(),
                        previous: place,
                    },
                    Some(format!(
                        "it is declared there as `global {}: {} = {}`; a later file may only \
                         repeat it exactly",
                        previous.name, previous.ty, previous.init
                    )),
                );
                return None;
            }
        } else if let Some(previous) = self.env.uninterpreted.get(g.name.name.as_str()) {
            let place = previous.source.position(previous.span.start);
            self.error(
                g.name.span,
                Error::Conflict {
                    what: "global",
                    name: g.name.name.clone(),
                    previous: place,
                },
            );
            return None;
        }
        if !fresh {
            return None;
        }
        self.globals.insert(g.name.name.clone(), global.clone());
        Some(global)
    }

    fn params(&mut self, params: &[ast::Param], machine: bool) -> Option<Vec<(Name, Type, Span)>> {
        let mut out = Vec::new();
        let mut ok = true;
        let mut seen: BTreeMap<&str, Span> = BTreeMap::new();
        for p in params {
            if let Some(first) = seen.get(p.name.name.as_str()) {
                let first_at = self.source.line_column(first.start);
                self.error(
                    p.name.span,
                    Error::Duplicate {
                        what: "parameter",
                        name: p.name.name.clone(),
                        first: first_at,
                    },
                );
                ok = false;
            }
            seen.insert(&p.name.name, p.name.span);
            let ty = if machine {
                self.machine_type(&p.ty, "for a parameter")
            } else {
                self.value_type(&p.ty, "for a parameter")
            };
            match ty {
                Some(ty) => out.push((p.name.name.as_str().into(), ty, p.span)),
                None => ok = false,
            }
        }
        ok.then_some(out)
    }

    fn uninterpreted_decl(&mut self, u: &ast::Uninterpreted) -> Option<Uninterpreted> {
        let fresh = self.declare(&u.name, "uninterpreted function");
        let params = self.params(&u.params, false);
        let ret = self.value_type(&u.ret, "as the result of an uninterpreted function");
        let (params, ret) = (params?, ret?);
        let function = Uninterpreted {
            name: u.name.name.as_str().into(),
            params: params.into_iter().map(|(n, t, _)| (n, t)).collect(),
            ret,
            span: u.name.span,
            source: self.source.clone(),
        };
        let previous = self.env.uninterpreted.get(u.name.name.as_str());
        let conflict = match previous {
            Some(p) => {
                let same = p.ret == function.ret
                    && p.params.len() == function.params.len()
                    && p.params
                        .iter()
                        .zip(&function.params)
                        .all(|(a, b)| a.1 == b.1);
                (!same).then(|| p.source.position(p.span.start))
            }
            None => self
                .env
                .globals
                .get(u.name.name.as_str())
                .map(|g| g.source.position(g.span.start)),
        };
        if let Some(previous) = conflict {
            self.error_hint(
                u.name.span,
                Error::Conflict {
                    what: "uninterpreted function",
                    name: u.name.name.clone(),
                    previous,
                },
                Some("a later file may only repeat a declaration exactly".to_string()),
            );
            return None;
        }
        if !fresh {
            return None;
        }
        self.uninterpreted
            .insert(u.name.name.clone(), function.clone());
        Some(function)
    }

    /// The global of this file or an earlier one.
    pub(crate) fn lookup_global(&self, name: &str) -> Option<&Global> {
        self.globals
            .get(name)
            .or_else(|| self.env.globals.get(name))
    }

    /// The uninterpreted function of this file or an earlier one.
    pub(crate) fn lookup_uninterpreted(&self, name: &str) -> Option<&Uninterpreted> {
        self.uninterpreted
            .get(name)
            .or_else(|| self.env.uninterpreted.get(name))
    }

    /// Every value name visible in `fun` (for suggestions).
    fn value_names<'n>(&'n self, fun: Option<&'n FnCtx>) -> Vec<&'n str> {
        let mut names: Vec<&str> = self
            .globals
            .keys()
            .map(String::as_str)
            .chain(self.env.globals.keys().map(|k| &**k))
            .collect();
        if let Some(fun) = fun {
            names.extend(fun.scopes.iter().flatten().map(|(n, _)| n.as_str()));
        }
        names
    }

    // ---------------------------------------------------------------- functions

    fn function(&mut self, f: &ast::Function) -> Option<(Function, BTreeSet<String>)> {
        let params = self.params(&f.params, true);
        let ret = self.return_type(f);
        if f.kind == ast::FunctionKind::Syscall && f.params.len() > 6 {
            self.error(
                f.name.span,
                Error::TooManySyscallParams {
                    name: f.name.name.clone(),
                    count: f.params.len(),
                },
            );
        }

        // Parameters may not reuse a global's name.
        let mut ok = params.is_some() && ret.is_some();
        for p in &f.params {
            if let Some(g) = self.lookup_global(&p.name.name) {
                let first = self.place(&g.source.clone(), g.span);
                self.error_hint(
                    p.name.span,
                    Error::Shadowing {
                        name: p.name.name.clone(),
                        what: "ghost global",
                        first,
                    },
                    Some("rename the parameter".to_string()),
                );
                ok = false;
            }
        }

        let mut fun = FnCtx {
            name: f.name.name.clone(),
            kind: f.kind,
            ret,
            locals: Vec::new(),
            scopes: vec![Vec::new()],
            emitted: BTreeSet::new(),
        };
        for (i, p) in f.params.iter().enumerate() {
            let ty = params
                .as_ref()
                .and_then(|ps| ps.iter().find(|(n, _, _)| &**n == p.name.name.as_str()))
                .map(|(_, t, _)| *t);
            let id = ty.map(|ty| {
                let id = LocalId(fun.locals.len() as u32);
                fun.locals.push(Local {
                    name: p.name.name.as_str().into(),
                    ty,
                    kind: LocalKind::Param(i),
                    span: p.name.span,
                });
                id
            });
            if let Some(scope) = fun.scopes.last_mut() {
                scope.push((p.name.name.clone(), id));
            }
        }

        // Declarations at the top of the body.
        let mut numbers: Vec<SyscallNumber> = Vec::new();
        let mut clobbers = Clobbers::default();
        let mut first_statement = f.body.stmts.len();
        for (i, stmt) in f.body.stmts.iter().enumerate() {
            match &stmt.kind {
                ast::StmtKind::Number {
                    arch,
                    value,
                    value_span: _,
                } => {
                    if f.kind == ast::FunctionKind::Stub {
                        self.error_hint(
                            stmt.span,
                            Error::NumberInStub,
                            Some("declare a system call with `syscall` instead of `stub`".into()),
                        );
                        continue;
                    }
                    let Some(a) = self.arch(arch) else {
                        continue;
                    };
                    if let Some(first) = numbers.iter().find(|n| n.arch == a) {
                        let first_at = self.source.line_column(first.span.start);
                        self.error(
                            arch.span,
                            Error::Duplicate {
                                what: "`number` line for",
                                name: arch.name.clone(),
                                first: first_at,
                            },
                        );
                        continue;
                    }
                    numbers.push(SyscallNumber {
                        arch: a,
                        number: *value,
                        span: stmt.span,
                    });
                }
                ast::StmtKind::Clobbers(c) => self.clobbers(c, &mut clobbers),
                _ => {
                    first_statement = i;
                    break;
                }
            }
        }
        if f.kind == ast::FunctionKind::Syscall
            && numbers.is_empty()
            && !self.quiet.contains("number")
        {
            self.error_hint(
                f.name.span,
                Error::MissingNumber(f.name.name.clone()),
                Some(
                    "add `number x86_64 = N` (one per architecture) at the top of its body".into(),
                ),
            );
        }

        let stmts = f.body.stmts.get(first_statement..).unwrap_or(&[]);
        let (body, ends) = self.block(stmts, &mut fun);
        let closing = Span::new(f.body.span.end.saturating_sub(1), f.body.span.end);
        match fun.ret {
            Some(ReturnType::Never) if !ends => self.error_hint(
                closing,
                Error::MissingExit(f.name.name.clone()),
                Some("add `exit` at the end of a `never` stub".into()),
            ),
            Some(ReturnType::Value(ty)) if !ends => self.error_hint(
                closing,
                Error::MissingReturn {
                    function: f.name.name.clone(),
                    ret: ty,
                },
                Some(format!("add `return` with a `{ty}` value at the end")),
            ),
            _ => {}
        }
        if !ok {
            return None;
        }
        let params = params?
            .into_iter()
            .map(|(name, ty, span)| Param { name, ty, span })
            .collect();
        Some((
            Function {
                kind: f.kind,
                name: f.name.name.as_str().into(),
                numbers,
                params,
                ret: ret?,
                clobbers,
                locals: fun.locals,
                body,
                examples: Vec::new(),
                span: f.span,
                source: self.source.clone(),
            },
            fun.emitted,
        ))
    }

    fn return_type(&mut self, f: &ast::Function) -> Option<ReturnType> {
        let name = &f.ret.name;
        let ret = match name.name.as_str() {
            "void" => ReturnType::Void,
            "never" => ReturnType::Never,
            other => match Type::from_name(other) {
                Some(Type::Bool) => {
                    self.error_hint(
                        name.span,
                        Error::TypeNotAllowed {
                            ty: "bool".into(),
                            place: "as a return type",
                        },
                        Some("return an integer such as `i32` (0 or 1)".into()),
                    );
                    return None;
                }
                Some(ty) => ReturnType::Value(ty),
                None => {
                    self.unknown_type(name, true);
                    return None;
                }
            },
        };
        if f.kind == ast::FunctionKind::Syscall && ret == ReturnType::Void {
            self.error_hint(
                name.span,
                Error::TypeNotAllowed {
                    ty: "void".into(),
                    place: "as the return type of a syscall",
                },
                Some("a system call always returns a value: use `i64`".into()),
            );
            return None;
        }
        Some(ret)
    }

    fn arch(&mut self, name: &ast::Ident) -> Option<Arch> {
        let arch = Arch::from_name(&name.name);
        if arch.is_none() {
            let hint = suggest::did_you_mean(&name.name, Arch::ALL.iter().map(|a| a.name()))
                .unwrap_or_else(|| {
                    "the architectures are x86_64 x86 aarch64 arm ppc ppc64 riscv32 riscv64"
                        .to_string()
                });
            self.error_hint(name.span, Error::UnknownArch(name.name.clone()), Some(hint));
        }
        arch
    }

    fn clobbers(&mut self, c: &ast::Clobbers, out: &mut Clobbers) {
        match c {
            ast::Clobbers::CallerSaved(_) => out.caller_saved = true,
            ast::Clobbers::Registers { arch, registers } => {
                let arch = match arch {
                    Some(a) => match self.arch(a) {
                        Some(a) => Some(a),
                        None => return,
                    },
                    None => None,
                };
                for r in registers {
                    out.registers.push(ClobberedRegister {
                        arch,
                        name: r.name.as_str().into(),
                        span: r.span,
                    });
                }
            }
        }
    }

    /// Two syscalls of this file with the same number on one architecture.
    fn syscall_numbers(&mut self, syscalls: &[Function]) {
        let mut seen: BTreeMap<(Arch, u64), (&Function, Span)> = BTreeMap::new();
        for s in syscalls {
            for n in &s.numbers {
                if let Some((other, first)) = seen.get(&(n.arch, n.number)) {
                    let first_at = self.source.line_column(first.start).to_string();
                    let other = other.name.to_string();
                    self.error(
                        n.span,
                        Error::DuplicateSyscallNumber {
                            arch: n.arch,
                            number: n.number,
                            other,
                            first: first_at,
                        },
                    );
                } else {
                    seen.insert((n.arch, n.number), (s, n.span));
                }
            }
        }
    }

    // ---------------------------------------------------------------- statements

    /// Checks a block in a new scope. Returns the statements and whether every path through
    /// them ends in `return` or `exit`.
    fn block(&mut self, stmts: &[ast::Stmt], fun: &mut FnCtx) -> (Vec<checked::Stmt>, bool) {
        fun.scopes.push(Vec::new());
        let mut out = Vec::new();
        let mut ended: Option<&'static str> = None;
        let mut reported = false;
        for stmt in stmts {
            if let (Some(after), false) = (ended, reported) {
                self.error_hint(
                    stmt.span,
                    Error::Unreachable(after),
                    Some("remove it, or move it before the end of the path".into()),
                );
                reported = true;
            }
            let (checked, ends) = self.statement(stmt, fun);
            if let Some(checked) = checked {
                out.push(checked);
            }
            if ended.is_none() {
                ended = ends;
            }
        }
        fun.scopes.pop();
        (out, ended.is_some())
    }

    /// Checks one statement. Returns it (if it checked) and, when every path through it ends
    /// the function, the keyword that ends it.
    fn statement(
        &mut self,
        stmt: &ast::Stmt,
        fun: &mut FnCtx,
    ) -> (Option<checked::Stmt>, Option<&'static str>) {
        use checked::StmtKind as S;
        let span = stmt.span;
        let mut ends = None;
        let kind = match &stmt.kind {
            ast::StmtKind::Number { .. } => {
                let error = if fun.kind == ast::FunctionKind::Stub {
                    Error::NumberInStub
                } else {
                    Error::MisplacedDeclaration("number")
                };
                self.error(span, error);
                None
            }
            ast::StmtKind::Clobbers(_) => {
                self.error(span, Error::MisplacedDeclaration("clobbers"));
                None
            }
            ast::StmtKind::Let { name, ty, value } => {
                self.let_statement(name, ty.as_ref(), value, fun)
            }
            ast::StmtKind::Assign { target, value } => self.assign(target, value, fun),
            ast::StmtKind::If {
                cond,
                then_block,
                else_block,
            } => {
                let cond = self.expr_as(
                    cond,
                    Type::Bool,
                    Ctx {
                        fun: Some(fun),
                        offset: false,
                    },
                );
                let (then_body, then_ends) = self.block(&then_block.stmts, fun);
                let (else_body, else_ends) = match else_block {
                    Some(b) => self.block(&b.stmts, fun),
                    None => (Vec::new(), false),
                };
                if then_ends && else_ends {
                    ends = Some("if");
                }
                cond.map(|cond| S::If {
                    cond,
                    then_body,
                    else_body,
                })
            }
            ast::StmtKind::Assume(cond) => self
                .expr_as(
                    cond,
                    Type::Bool,
                    Ctx {
                        fun: Some(fun),
                        offset: false,
                    },
                )
                .map(S::Assume),
            ast::StmtKind::Assert { cond, message } => {
                let message = match message {
                    Some((text, _)) => text.clone(),
                    None => format!("assertion `{}` failed", self.source.slice(cond.span)),
                };
                self.expr_as(
                    cond,
                    Type::Bool,
                    Ctx {
                        fun: Some(fun),
                        offset: false,
                    },
                )
                .map(|cond| S::Assert { cond, message })
            }
            ast::StmtKind::StoreRange { range, value } => {
                let range = self.range(range, fun);
                let value = self.expr_as(
                    value,
                    Type::U8,
                    Ctx {
                        fun: Some(fun),
                        offset: true,
                    },
                );
                match (range, value) {
                    (Some(range), Some(value)) => Some(S::StoreRange { range, value }),
                    _ => None,
                }
            }
            ast::StmtKind::StoreByte {
                base,
                offset,
                value,
            } => {
                let cx = Ctx {
                    fun: Some(fun),
                    offset: false,
                };
                let addr = self.byte_address(base, offset, span, cx);
                let value = self.expr_as(value, Type::U8, cx);
                match (addr, value) {
                    (Some(addr), Some(value)) => Some(S::Store {
                        addr,
                        ty: Type::U8,
                        value,
                    }),
                    _ => None,
                }
            }
            ast::StmtKind::StoreValue { addr, ty, value } => {
                let cx = Ctx {
                    fun: Some(fun),
                    offset: false,
                };
                let addr = self.expr_as(addr, Type::Ptr, cx);
                let ty = self.machine_type(ty, "in memory");
                let value = ty.and_then(|ty| self.expr_as(value, ty, cx));
                match (addr, ty, value) {
                    (Some(addr), Some(ty), Some(value)) => Some(S::Store { addr, ty, value }),
                    _ => None,
                }
            }
            ast::StmtKind::Event { name, args } => self.event(name, args, span, fun),
            ast::StmtKind::Return(value) => {
                ends = Some("return");
                self.return_statement(value.as_ref(), span, fun)
            }
            ast::StmtKind::Exit(status) => {
                ends = Some("exit");
                let cx = Ctx {
                    fun: Some(fun),
                    offset: false,
                };
                let status = self.expr(status, Some(Type::I32), cx).and_then(|s| {
                    if s.ty == Type::I32 {
                        Some(s)
                    } else {
                        let hint = self.conversion_hint(s.span, Type::I32, s.ty);
                        self.error_hint(
                            s.span,
                            Error::TypeMismatch {
                                expected: "`i32` (the exit status)".into(),
                                found: s.ty,
                            },
                            hint,
                        );
                        None
                    }
                });
                status.map(S::Exit)
            }
        };
        (kind.map(|kind| checked::Stmt { kind, span }), ends)
    }

    fn let_statement(
        &mut self,
        name: &ast::Ident,
        ty: Option<&ast::TypeName>,
        value: &ast::Expr,
        fun: &mut FnCtx,
    ) -> Option<checked::StmtKind> {
        let declared = ty.map(|t| self.value_type(t, "for a `let` binding"));
        let cx = Ctx {
            fun: Some(fun),
            offset: false,
        };
        let value = match declared {
            Some(Some(t)) => self.expr_as(value, t, cx),
            Some(None) => {
                // Check the value for its own errors.
                let _ = self.expr(value, None, cx);
                None
            }
            None => self.expr(value, None, cx),
        };
        // A name in scope or a global may not be reused.
        let mut clash = None;
        if let Some(existing) = fun.lookup(&name.name) {
            let (what, first) = match existing.and_then(|id| fun.locals.get(id.index())) {
                Some(local) => (
                    match local.kind {
                        LocalKind::Param(_) => "parameter",
                        LocalKind::Let => "`let` binding",
                    },
                    self.source.line_column(local.span.start).to_string(),
                ),
                None => ("`let` binding", "an earlier statement".to_string()),
            };
            clash = Some((what, first));
        } else if let Some(g) = self.lookup_global(&name.name) {
            clash = Some(("ghost global", self.place(&g.source.clone(), g.span)));
        }
        if let Some((what, first)) = clash {
            self.error_hint(
                name.span,
                Error::Shadowing {
                    name: name.name.clone(),
                    what,
                    first,
                },
                Some("choose a new name: bindings cannot be redefined".to_string()),
            );
        }
        let id = value.as_ref().map(|v| {
            let id = LocalId(fun.locals.len() as u32);
            fun.locals.push(Local {
                name: name.name.as_str().into(),
                ty: v.ty,
                kind: LocalKind::Let,
                span: name.span,
            });
            id
        });
        if let Some(scope) = fun.scopes.last_mut() {
            scope.push((name.name.clone(), id));
        }
        Some(checked::StmtKind::Let {
            local: id?,
            value: value?,
        })
    }

    fn assign(
        &mut self,
        target: &ast::Ident,
        value: &ast::Expr,
        fun: &mut FnCtx,
    ) -> Option<checked::StmtKind> {
        let cx = Ctx {
            fun: Some(fun),
            offset: false,
        };
        match self.resolve(&target.name, Some(fun)) {
            Resolved::Global(name, ty) => {
                let value = self.expr_as(value, ty, cx)?;
                Some(checked::StmtKind::SetGlobal {
                    global: name,
                    value,
                })
            }
            Resolved::Local(id, _) => {
                let what = match fun.locals.get(id.index()).map(|l| l.kind) {
                    Some(LocalKind::Param(_)) => "parameter",
                    _ => "`let` binding",
                };
                self.error_hint(
                    target.span,
                    Error::NotAssignable {
                        name: target.name.clone(),
                        what,
                    },
                    Some(format!(
                        "bind a new name instead: `let {}2 = ...`",
                        target.name
                    )),
                );
                let _ = self.expr(value, None, cx);
                None
            }
            Resolved::Function => {
                self.error(
                    target.span,
                    Error::NotAssignable {
                        name: target.name.clone(),
                        what: "function",
                    },
                );
                None
            }
            Resolved::Poisoned => {
                let _ = self.expr(value, None, cx);
                None
            }
            Resolved::Unknown => {
                self.unknown_name(&target.name, target.span, Some(fun));
                let _ = self.expr(value, None, cx);
                None
            }
        }
    }

    fn return_statement(
        &mut self,
        value: Option<&ast::Expr>,
        span: Span,
        fun: &mut FnCtx,
    ) -> Option<checked::StmtKind> {
        let cx = Ctx {
            fun: Some(fun),
            offset: false,
        };
        let Some(ret) = fun.ret else {
            if let Some(v) = value {
                let _ = self.expr(v, None, cx);
            }
            return None;
        };
        match (ret, value) {
            (ReturnType::Value(ty), Some(v)) => {
                let v = self.expr(v, Some(ty), cx)?;
                if v.ty != ty {
                    let hint = self.conversion_hint(v.span, ty, v.ty);
                    self.error_hint(
                        v.span,
                        Error::ReturnMismatch {
                            found: v.ty,
                            function: fun.name.clone(),
                            ret,
                        },
                        hint,
                    );
                    return None;
                }
                Some(checked::StmtKind::Return(Some(v)))
            }
            (ReturnType::Value(ty), None) => {
                self.error(
                    span,
                    Error::MissingReturnValue {
                        function: fun.name.clone(),
                        ret: ty,
                    },
                );
                None
            }
            (ReturnType::Void, None) => Some(checked::StmtKind::Return(None)),
            (ReturnType::Void, Some(v)) => {
                let _ = self.expr(v, None, cx);
                self.error_hint(
                    v.span,
                    Error::ReturnValueInVoid(fun.name.clone()),
                    Some("declare the stub's return type, or write `return` alone".into()),
                );
                None
            }
            (ReturnType::Never, v) => {
                if let Some(v) = v {
                    let _ = self.expr(v, None, cx);
                }
                self.error_hint(
                    span,
                    Error::ReturnInNever(fun.name.clone()),
                    Some("end the process with `exit STATUS`".into()),
                );
                None
            }
        }
    }

    fn range(&mut self, range: &ast::ByteRange, fun: &FnCtx) -> Option<checked::ByteRange> {
        let cx = Ctx {
            fun: Some(fun),
            offset: false,
        };
        let base = self.expr_as(&range.base, Type::Ptr, cx);
        let start = self.expr_as(&range.start, Type::U64, cx);
        let end = self.expr_as(&range.end, Type::U64, cx);
        Some(checked::ByteRange {
            base: base?,
            start: start?,
            end: end?,
            span: range.span,
        })
    }

    fn event(
        &mut self,
        name: &ast::Ident,
        args: &[ast::EventArg],
        span: Span,
        fun: &mut FnCtx,
    ) -> Option<checked::StmtKind> {
        let previous = self.events.get(&name.name).cloned();
        let mut checked_args = Vec::new();
        let mut kinds = Vec::new();
        let mut ok = true;
        for (i, arg) in args.iter().enumerate() {
            let hint_ty = match previous.as_ref().and_then(|p| p.args.get(i)) {
                Some(EventArgKind::Value(t)) => Some(*t),
                _ => None,
            };
            match arg {
                ast::EventArg::Value(e) => {
                    let cx = Ctx {
                        fun: Some(fun),
                        offset: false,
                    };
                    match self.expr(e, hint_ty, cx) {
                        Some(v) if v.ty == Type::Ptr => {
                            let text = self.source.slice(e.span).to_string();
                            self.error_hint(
                                e.span,
                                Error::PointerEventArg,
                                Some(format!(
                                    "observe the bytes it points to, `{text}[0 .. n]`, or the \
                                     address as a number, `{text} as u64`"
                                )),
                            );
                            ok = false;
                        }
                        Some(v) => {
                            kinds.push(EventArgKind::Value(v.ty));
                            checked_args.push(checked::EventArg::Value(v));
                        }
                        None => ok = false,
                    }
                }
                ast::EventArg::Bytes(r) => match self.range(r, fun) {
                    Some(r) => {
                        kinds.push(EventArgKind::Bytes);
                        checked_args.push(checked::EventArg::Bytes(r));
                    }
                    None => ok = false,
                },
            }
        }
        fun.emitted.insert(name.name.clone());
        if !ok {
            return None;
        }
        match previous {
            Some(p) if p.args != kinds => {
                let detail = if p.args.len() != kinds.len() {
                    format!(
                        "it has {} argument{} there and {} here",
                        p.args.len(),
                        if p.args.len() == 1 { "" } else { "s" },
                        kinds.len()
                    )
                } else {
                    let describe = |k: &EventArgKind| match k {
                        EventArgKind::Value(t) => format!("`{t}`"),
                        EventArgKind::Bytes => "a byte range".to_string(),
                    };
                    let i = p
                        .args
                        .iter()
                        .zip(&kinds)
                        .position(|(a, b)| a != b)
                        .unwrap_or(0);
                    format!(
                        "argument {} is {} there and {} here",
                        i + 1,
                        p.args.get(i).map(describe).unwrap_or_default(),
                        kinds.get(i).map(describe).unwrap_or_default()
                    )
                };
                let first = self.source.line_column(p.span.start);
                self.push(
                    Diagnostic::new(
                        self.source.clone(),
                        span,
                        Error::EventMismatch {
                            name: name.name.clone(),
                            first,
                        detail,
                        },
                    )
                    .with_note(p.span, "first used here")
                    .with_hint("every `event` of one name takes the same kinds of arguments, so that traces compare"),
                );
                return None;
            }
            Some(_) => {}
            None => {
                self.events
                    .insert(name.name.clone(), EventSignature { args: kinds, span });
            }
        }
        Some(checked::StmtKind::Event {
            name: name.name.as_str().into(),
            args: checked_args,
        })
    }

    // ---------------------------------------------------------------- names

    /// What a value name refers to in `fun` (or at file level).
    pub(crate) fn resolve(&self, name: &str, fun: Option<&FnCtx>) -> Resolved {
        if let Some(local) = fun.and_then(|f| f.lookup(name)) {
            return match local.and_then(|id| {
                fun.and_then(|f| f.locals.get(id.index()))
                    .map(|l| (id, l.ty))
            }) {
                Some((id, ty)) => Resolved::Local(id, ty),
                None => Resolved::Poisoned,
            };
        }
        if let Some(g) = self.lookup_global(name) {
            return Resolved::Global(g.name.clone(), g.ty);
        }
        if self.lookup_uninterpreted(name).is_some() || BUILTINS.contains(&name) {
            return Resolved::Function;
        }
        if self.quiet.contains(name) {
            return Resolved::Poisoned;
        }
        Resolved::Unknown
    }

    fn unknown_name(&mut self, name: &str, span: Span, fun: Option<&FnCtx>) {
        let hint = suggest::did_you_mean(name, self.value_names(fun));
        self.error_hint(span, Error::UnknownName(name.to_string()), hint);
    }
}
