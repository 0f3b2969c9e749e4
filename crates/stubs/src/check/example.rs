//! Checking of `example` blocks against the stub they run.

use std::collections::{BTreeMap, BTreeSet};

use super::expr::is_untyped;
use super::{Checker, EventArgKind};
use crate::ast::{self, FunctionKind};
use crate::checked::{
    self, ExampleArg, ExpectedArg, ExpectedEvent, Function, GivenCall, LocalId, Name, Outcome,
    StubFile, Value,
};
use crate::diagnostic::{Diagnostic, Error};
use crate::source::Span;
use crate::suggest;
use crate::types::{ReturnType, Type};

const BYTES_FORMS: &str = "bytes (`\"text\"`, `bytes \"68 69\"` or `zeros N`)";

impl Checker<'_> {
    /// The function an example runs: its kind and index in `file`'s list. `defined` holds the
    /// names of every function the file defines, including those that did not check (whose
    /// examples are skipped without a further error).
    pub(crate) fn example_target(
        &mut self,
        e: &ast::Example,
        file: &StubFile,
        defined: &BTreeSet<(FunctionKind, String)>,
    ) -> Option<(FunctionKind, usize)> {
        let name = e.target.name.as_str();
        let find = |kind: FunctionKind| {
            let list = match kind {
                FunctionKind::Syscall => &file.syscalls,
                FunctionKind::Stub => &file.stubs,
            };
            list.iter()
                .position(|f| &*f.name == name)
                .map(|i| (kind, i))
        };
        let exists = |kind: FunctionKind| defined.contains(&(kind, name.to_string()));
        match e.target_kind {
            Some(kind) => {
                if let Some(found) = find(kind) {
                    return Some(found);
                }
                if !exists(kind) && !self.quiet.contains(name) {
                    self.unknown_target(e, file);
                }
                None
            }
            None => {
                if exists(FunctionKind::Syscall) && exists(FunctionKind::Stub) {
                    self.error_hint(
                        e.target.span,
                        Error::AmbiguousExampleTarget(name.to_string()),
                        Some(format!(
                            "write `example syscall {name}` or `example stub {name}`"
                        )),
                    );
                    return None;
                }
                if let Some(found) =
                    find(FunctionKind::Syscall).or_else(|| find(FunctionKind::Stub))
                {
                    return Some(found);
                }
                if !exists(FunctionKind::Syscall)
                    && !exists(FunctionKind::Stub)
                    && !self.quiet.contains(name)
                {
                    self.unknown_target(e, file);
                }
                None
            }
        }
    }

    fn unknown_target(&mut self, e: &ast::Example, file: &StubFile) {
        let names = file.syscalls.iter().chain(&file.stubs).map(|f| &*f.name);
        let hint = suggest::did_you_mean(&e.target.name, names)
            .unwrap_or_else(|| "an example tests a stub or syscall of its own file".to_string());
        self.error_hint(
            e.target.span,
            Error::UnknownExampleTarget(e.target.name.clone()),
            Some(hint),
        );
    }

    /// Checks an example of `f`, which emits the events named in `emitted`.
    pub(crate) fn example(
        &mut self,
        e: &ast::Example,
        f: &Function,
        emitted: &BTreeSet<String>,
    ) -> Option<checked::Example> {
        let mut ok = true;
        let mut seen: BTreeMap<&'static str, Span> = BTreeMap::new();
        let mut args: Vec<Option<ExampleArg>> = vec![None; f.params.len()];
        let mut mentioned = vec![false; f.params.len()];
        let mut args_clause = None;
        let mut given_globals = Vec::new();
        let mut given_calls = Vec::new();
        let mut outcome: Option<(Outcome, Span)> = None;
        let mut outcome_written = false;
        let mut after: Vec<(&ast::Ident, &ast::ExampleValue)> = Vec::new();
        let mut events = None;

        for clause in &e.clauses {
            let word = match &clause.kind {
                ast::ExampleClauseKind::Args(_) => "args",
                ast::ExampleClauseKind::Given(_) => "given",
                ast::ExampleClauseKind::Returns(_) => "returns",
                ast::ExampleClauseKind::Exits(_) => "exits",
                ast::ExampleClauseKind::Fails(_) => "fails",
                ast::ExampleClauseKind::After(_) => "after",
                ast::ExampleClauseKind::Events(_) => "events",
            };
            if seen.contains_key(word) {
                self.error_hint(
                    clause.span,
                    Error::DuplicateClause(word),
                    Some("list every item in one clause, separated by commas".into()),
                );
                ok = false;
                continue;
            }
            seen.insert(word, clause.span);
            match &clause.kind {
                ast::ExampleClauseKind::Args(list) => {
                    args_clause = Some(clause.span);
                    ok &= self.example_args(list, f, &mut args, &mut mentioned);
                }
                ast::ExampleClauseKind::Given(list) => {
                    ok &= self.givens(list, &mut given_globals, &mut given_calls);
                }
                ast::ExampleClauseKind::Returns(_)
                | ast::ExampleClauseKind::Exits(_)
                | ast::ExampleClauseKind::Fails(_) => {
                    if outcome_written {
                        self.error(clause.span, Error::ConflictingOutcome);
                        ok = false;
                        continue;
                    }
                    outcome_written = true;
                    match self.outcome(&clause.kind, clause.span, f) {
                        Some(o) => outcome = Some((o, clause.span)),
                        None => ok = false,
                    }
                }
                ast::ExampleClauseKind::After(list) => {
                    after.extend(list.iter().map(|(n, v)| (n, v)));
                }
                ast::ExampleClauseKind::Events(list) => {
                    match self.expected_events(list, f, emitted) {
                        Some(list) => events = Some(list),
                        None => ok = false,
                    }
                }
            }
        }

        // Every parameter needs a value.
        for (param, mentioned) in f.params.iter().zip(&mentioned) {
            if !mentioned && !self.quiet.contains(&*param.name) {
                self.error_hint(
                    args_clause.unwrap_or(e.target.span),
                    Error::MissingArgument(param.name.to_string()),
                    Some(format!("add `{} = VALUE` to the `args` clause", param.name)),
                );
                ok = false;
            }
        }

        let outcome = match outcome {
            Some((o, _)) => o,
            None if f.ret == ReturnType::Never && !outcome_written => {
                self.error_hint(
                    e.target.span,
                    Error::MissingOutcome(f.name.to_string()),
                    Some("add `exits STATUS`, or `fails` for a failing `assert`".into()),
                );
                ok = false;
                Outcome::Returns(None)
            }
            None => Outcome::Returns(None),
        };

        let mut after_memory = Vec::new();
        let mut after_globals = Vec::new();
        for (name, value) in after {
            let param = f.params.iter().position(|p| *p.name == *name.name);
            match param {
                Some(i) => match args.get(i) {
                    Some(Some(ExampleArg::Memory(_))) => {
                        match self.example_bytes(value, &name.name) {
                            Some(bytes) => after_memory.push((LocalId(i as u32), bytes)),
                            None => ok = false,
                        }
                    }
                    Some(None) => ok = false,
                    _ => {
                        self.error_hint(
                            name.span,
                            Error::ExampleValue {
                                expected: format!(
                                    "a pointer argument given as bytes for `after {}`",
                                    name.name
                                ),
                                found: "an argument passed by value",
                            },
                            Some(format!(
                                "pass `{}` as bytes in `args` to check its memory afterwards",
                                name.name
                            )),
                        );
                        ok = false;
                    }
                },
                None => match self
                    .lookup_global(&name.name)
                    .map(|g| (g.name.clone(), g.ty))
                {
                    Some((global, ty)) => match self.example_value(value, ty, &name.name) {
                        Some(v) => after_globals.push((global, v)),
                        None => ok = false,
                    },
                    None => {
                        let names = f.params.iter().map(|p| &*p.name);
                        let hint = suggest::did_you_mean(&name.name, names);
                        self.error_hint(
                            name.span,
                            Error::UnknownParameter {
                                function: f.name.to_string(),
                                name: name.name.clone(),
                            },
                            hint.or_else(|| {
                                Some("`after` names pointer parameters and ghost globals".into())
                            }),
                        );
                        ok = false;
                    }
                },
            }
        }

        if !ok {
            return None;
        }
        Some(checked::Example {
            title: e.title.clone(),
            args: args.into_iter().flatten().collect(),
            given_globals,
            given_calls,
            outcome,
            after_memory,
            after_globals,
            events,
            span: e.span,
        })
    }

    fn example_args(
        &mut self,
        list: &[(ast::Ident, ast::ExampleValue)],
        f: &Function,
        args: &mut [Option<ExampleArg>],
        mentioned: &mut [bool],
    ) -> bool {
        let mut ok = true;
        let mut spans: BTreeMap<usize, Span> = BTreeMap::new();
        for (name, value) in list {
            let Some(i) = f.params.iter().position(|p| *p.name == *name.name) else {
                let hint = suggest::did_you_mean(&name.name, f.params.iter().map(|p| &*p.name));
                self.error_hint(
                    name.span,
                    Error::UnknownParameter {
                        function: f.name.to_string(),
                        name: name.name.clone(),
                    },
                    hint,
                );
                ok = false;
                continue;
            };
            if let Some(first) = spans.get(&i) {
                let first_at = self.source.line_column(first.start);
                self.error(
                    name.span,
                    Error::Duplicate {
                        what: "argument",
                        name: name.name.clone(),
                        first: first_at,
                    },
                );
                ok = false;
                continue;
            }
            spans.insert(i, name.span);
            if let Some(m) = mentioned.get_mut(i) {
                *m = true;
            }
            let Some(param) = f.params.get(i) else {
                continue;
            };
            let arg = match (param.ty, value) {
                (Type::Ptr, ast::ExampleValue::Bytes(b)) => {
                    Some(ExampleArg::Memory(b.bytes.clone()))
                }
                (ty, value) => self
                    .example_value(value, ty, &name.name)
                    .map(ExampleArg::Value),
            };
            match arg {
                Some(arg) => {
                    if let Some(slot) = args.get_mut(i) {
                        *slot = Some(arg);
                    }
                }
                None => ok = false,
            }
        }
        ok
    }

    fn givens(
        &mut self,
        list: &[ast::Given],
        globals: &mut Vec<(Name, Value)>,
        calls: &mut Vec<GivenCall>,
    ) -> bool {
        let mut ok = true;
        let mut seen: BTreeMap<String, Span> = BTreeMap::new();
        let mut once = |this: &mut Self, key: String, span: Span| -> bool {
            if let Some(first) = seen.get(&key) {
                let first_at = this.source.line_column(first.start);
                this.error(
                    span,
                    Error::Duplicate {
                        what: "value for",
                        name: key,
                        first: first_at,
                    },
                );
                return false;
            }
            seen.insert(key, span);
            true
        };
        for given in list {
            match given {
                ast::Given::Global { name, value } => {
                    let Some((global, ty)) = self
                        .lookup_global(&name.name)
                        .map(|g| (g.name.clone(), g.ty))
                    else {
                        let names: Vec<String> = self
                            .globals
                            .keys()
                            .cloned()
                            .chain(self.env.globals.keys().map(|k| k.to_string()))
                            .collect();
                        let hint =
                            suggest::did_you_mean(&name.name, names.iter().map(String::as_str));
                        self.error_hint(name.span, Error::UnknownName(name.name.clone()), hint);
                        ok = false;
                        continue;
                    };
                    if !once(self, name.name.clone(), name.span) {
                        ok = false;
                        continue;
                    }
                    let value = ast::ExampleValue::Expr(value.clone());
                    match self.example_value(&value, ty, &name.name) {
                        Some(v) => globals.push((global, v)),
                        None => ok = false,
                    }
                }
                ast::Given::Call {
                    function,
                    args,
                    value,
                    span,
                } => match self.given_call(function, args, value, *span) {
                    Some(expanded) => {
                        for call in expanded {
                            let key = format!(
                                "{}({})",
                                call.function,
                                call.args
                                    .iter()
                                    .map(|a| a.to_string())
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            );
                            if once(self, key, *span) {
                                calls.push(call);
                            } else {
                                ok = false;
                                break;
                            }
                        }
                    }
                    None => ok = false,
                },
            }
        }
        ok
    }

    /// `F(ARGS) = VALUE`, expanded to one value per offset when one argument is `_`.
    fn given_call(
        &mut self,
        name: &ast::Ident,
        args: &[Option<ast::Expr>],
        value: &ast::ExampleValue,
        span: Span,
    ) -> Option<Vec<GivenCall>> {
        let Some(function) = self.lookup_uninterpreted(&name.name).cloned() else {
            let names: Vec<String> = self
                .uninterpreted
                .keys()
                .cloned()
                .chain(self.env.uninterpreted.keys().map(|k| k.to_string()))
                .collect();
            let hint = suggest::did_you_mean(&name.name, names.iter().map(String::as_str))
                .or_else(|| Some("`given` sets values of uninterpreted functions".into()));
            self.error_hint(name.span, Error::UnknownFunction(name.name.clone()), hint);
            return None;
        };
        if args.len() != function.params.len() {
            self.error(
                span,
                Error::ArgCount {
                    function: name.name.clone(),
                    expected: function.params.len(),
                    found: args.len(),
                },
            );
            return None;
        }
        let offsets: Vec<usize> = args
            .iter()
            .enumerate()
            .filter(|(_, a)| a.is_none())
            .map(|(i, _)| i)
            .collect();
        if offsets.len() > 1 {
            self.error(span, Error::BadGivenOffset("only one argument may be `_`"));
            return None;
        }
        let mut fixed = Vec::new();
        let mut ok = true;
        for (arg, (_, ty)) in args.iter().zip(&function.params) {
            match arg {
                Some(e) => {
                    match self.example_value(&ast::ExampleValue::Expr(e.clone()), *ty, &name.name) {
                        Some(v) => fixed.push(v),
                        None => ok = false,
                    }
                }
                None => fixed.push(Value::new(*ty, 0)),
            }
        }
        if !ok {
            return None;
        }
        let Some(&offset) = offsets.first() else {
            let value = self.example_value(value, function.ret, &name.name)?;
            return Some(vec![GivenCall {
                function: function.name.clone(),
                args: fixed,
                value,
            }]);
        };
        let offset_ty = function.params.get(offset).map_or(Type::U64, |p| p.1);
        if !offset_ty.is_integer() {
            self.error(
                span,
                Error::BadGivenOffset(
                    "`_` stands for the offsets 0, 1, ...: its parameter must have an integer type",
                ),
            );
            return None;
        }
        if function.ret != Type::U8 {
            self.error(
                span,
                Error::BadGivenOffset(
                    "with `_`, the bytes are the function's values: its result must be `u8`",
                ),
            );
            return None;
        }
        let bytes = self.example_bytes(value, &name.name)?;
        let mut out = Vec::new();
        for (k, byte) in bytes.iter().enumerate() {
            let mut call_args = fixed.clone();
            if let Some(slot) = call_args.get_mut(offset) {
                *slot = Value::new(offset_ty, k as u64);
            }
            out.push(GivenCall {
                function: function.name.clone(),
                args: call_args,
                value: Value::new(Type::U8, u64::from(*byte)),
            });
        }
        Some(out)
    }

    fn outcome(
        &mut self,
        clause: &ast::ExampleClauseKind,
        span: Span,
        f: &Function,
    ) -> Option<Outcome> {
        match clause {
            ast::ExampleClauseKind::Returns(e) => match f.ret {
                ReturnType::Value(ty) => self
                    .example_value(&ast::ExampleValue::Expr(e.clone()), ty, "returns")
                    .map(|v| Outcome::Returns(Some(v))),
                ret => {
                    self.error_hint(
                        span,
                        Error::OutcomeMismatch {
                            clause: "returns",
                            function: f.name.to_string(),
                            ret,
                        },
                        Some(match ret {
                            ReturnType::Never => "use `exits STATUS`".to_string(),
                            _ => "leave `returns` out: an example without `exits` or `fails` expects a return".to_string(),
                        }),
                    );
                    None
                }
            },
            ast::ExampleClauseKind::Exits(e) => self.constant(e, Type::I32).map(Outcome::Exits),
            ast::ExampleClauseKind::Fails(message) => {
                Some(Outcome::Fails(message.as_ref().map(|(m, _)| m.clone())))
            }
            _ => None,
        }
    }

    fn expected_events(
        &mut self,
        list: &[ast::ExampleEvent],
        f: &Function,
        emitted: &BTreeSet<String>,
    ) -> Option<Vec<ExpectedEvent>> {
        let mut out = Vec::new();
        let mut ok = true;
        for event in list {
            let signature = self.events.get(&event.name.name).cloned();
            let (true, Some(signature)) = (emitted.contains(&event.name.name), signature) else {
                let hint =
                    suggest::did_you_mean(&event.name.name, emitted.iter().map(String::as_str))
                        .or_else(|| {
                            if emitted.is_empty() {
                                Some(format!("`{}` emits no events: write `events none`", f.name))
                            } else {
                                Some(format!(
                                    "it emits {}",
                                    emitted
                                        .iter()
                                        .map(|e| format!("`{e}`"))
                                        .collect::<Vec<_>>()
                                        .join(", ")
                                ))
                            }
                        });
                self.error_hint(
                    event.name.span,
                    Error::UnknownEvent {
                        function: f.name.to_string(),
                        event: event.name.name.clone(),
                    },
                    hint,
                );
                ok = false;
                continue;
            };
            if signature.args.len() != event.args.len() {
                self.error(
                    event.span,
                    Error::ArgCount {
                        function: format!("event {}", event.name.name),
                        expected: signature.args.len(),
                        found: event.args.len(),
                    },
                );
                ok = false;
                continue;
            }
            let mut args = Vec::new();
            for (kind, value) in signature.args.iter().zip(&event.args) {
                let arg = match kind {
                    EventArgKind::Value(ty) => self
                        .example_value(value, *ty, &event.name.name)
                        .map(ExpectedArg::Value),
                    EventArgKind::Bytes => self
                        .example_bytes(value, &event.name.name)
                        .map(ExpectedArg::Bytes),
                };
                match arg {
                    Some(arg) => args.push(arg),
                    None => ok = false,
                }
            }
            out.push(ExpectedEvent {
                name: event.name.name.as_str().into(),
                args,
                span: event.span,
            });
        }
        ok.then_some(out)
    }

    /// A constant of `ty` written in an example. For a `ptr`, a plain number is an address.
    fn example_value(&mut self, value: &ast::ExampleValue, ty: Type, what: &str) -> Option<Value> {
        match value {
            ast::ExampleValue::Bytes(b) => {
                let hint = (ty == Type::Ptr).then(|| {
                    "bytes stand for a fresh block only as a pointer argument of `args`".to_string()
                });
                self.push({
                    let d = Diagnostic::new(
                        self.source.clone(),
                        b.span,
                        Error::ExampleValue {
                            expected: format!("a `{ty}` value for `{what}`"),
                            found: "bytes",
                        },
                    );
                    match hint {
                        Some(h) => d.with_hint(h),
                        None => d,
                    }
                });
                None
            }
            ast::ExampleValue::Expr(e) if ty == Type::Ptr && is_untyped(e) => {
                let v = self.constant(e, Type::U64)?;
                Some(Value::new(Type::Ptr, v.bits))
            }
            ast::ExampleValue::Expr(e) => self.constant(e, ty),
        }
    }

    /// Bytes written in an example.
    fn example_bytes(&mut self, value: &ast::ExampleValue, what: &str) -> Option<Vec<u8>> {
        match value {
            ast::ExampleValue::Bytes(b) => Some(b.bytes.clone()),
            ast::ExampleValue::Expr(e) => {
                self.error(
                    e.span,
                    Error::ExampleValue {
                        expected: format!("{BYTES_FORMS} for `{what}`"),
                        found: "a number",
                    },
                );
                None
            }
        }
    }
}
