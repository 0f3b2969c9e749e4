//! Positive tests: the shipped library, the checked form an interpreter walks, and loading.

use tandem_stubs::checked::{
    BinOp, Builtin, CastKind, EventArg, ExampleArg, ExpectedArg, Expr, ExprKind, FunctionKind,
    LocalId, Outcome, Stmt, StmtKind, StubFile, Value,
};
use tandem_stubs::{Arch, Library, LoadError, ReturnType, Type, parse_and_check};

fn checked(text: &str) -> StubFile {
    match parse_and_check("t.tstub", text) {
        Ok(file) => file,
        Err(errors) => panic!(
            "unexpected errors:\n{}",
            errors.iter().map(|e| e.render()).collect::<String>()
        ),
    }
}

/// The value of the `return` that ends a function's body.
fn returned(body: &[Stmt]) -> &Expr {
    match body.last().map(|s| &s.kind) {
        Some(StmtKind::Return(Some(e))) => e,
        other => panic!("no return value: {other:?}"),
    }
}

#[test]
fn the_builtin_library_checks() {
    let library = Library::builtin().unwrap_or_else(|errors| {
        panic!("{}", errors.iter().map(|e| e.render()).collect::<String>())
    });
    let names: Vec<&str> = library.syscalls().iter().map(|s| &*s.name).collect();
    assert_eq!(names, ["read", "write", "exit", "exit_group"]);
    for (name, x86_64, aarch64) in [
        ("read", 0, 63),
        ("write", 1, 64),
        ("exit", 60, 93),
        ("exit_group", 231, 94),
    ] {
        let syscall = library.syscall(name).expect("defined");
        assert_eq!(syscall.kind, FunctionKind::Syscall);
        assert_eq!(syscall.number(Arch::X86_64), Some(x86_64), "{name}");
        assert_eq!(syscall.number(Arch::AArch64), Some(aarch64), "{name}");
        assert_eq!(
            library
                .syscall_by_number(Arch::X86_64, x86_64)
                .map(|s| &*s.name),
            Some(name)
        );
        // Every architecture has every syscall.
        for arch in Arch::ALL {
            assert!(syscall.number(arch).is_some(), "{name} on {arch}");
        }
    }
    assert_eq!(
        library.syscall("exit").map(|s| s.ret),
        Some(ReturnType::Never)
    );

    let index = library
        .global("read_global_index")
        .expect("the ghost global");
    assert_eq!(
        (index.ty, index.init),
        (Type::U64, Value::new(Type::U64, 0))
    );
    let byte = library
        .uninterpreted_function("read_byte")
        .expect("declared");
    assert_eq!(byte.ret, Type::U8);
    assert_eq!(
        byte.params.iter().map(|p| p.1).collect::<Vec<_>>(),
        [Type::U64, Type::U64]
    );

    let examples: Vec<usize> = library
        .syscalls()
        .iter()
        .map(|s| s.examples.len())
        .collect();
    assert_eq!(examples, [3, 2, 1, 1]);
}

#[test]
fn read_is_modelled_with_the_ghost_index() {
    let library = Library::builtin().expect("checks");
    let read = library.syscall("read").expect("defined");
    let params: Vec<(&str, Type)> = read.params.iter().map(|p| (&*p.name, p.ty)).collect();
    assert_eq!(
        params,
        [("fd", Type::I32), ("buf", Type::Ptr), ("count", Type::U64)]
    );
    assert_eq!(read.ret, ReturnType::Value(Type::I64));

    let kinds: Vec<&str> = read
        .body
        .iter()
        .map(|s| match &s.kind {
            StmtKind::Let { .. } => "let",
            StmtKind::SetGlobal { .. } => "set",
            StmtKind::Event { .. } => "event",
            StmtKind::If { .. } => "if",
            StmtKind::Assume(_) => "assume",
            StmtKind::StoreRange { .. } => "store-range",
            StmtKind::Return(_) => "return",
            _ => "other",
        })
        .collect();
    assert_eq!(
        kinds,
        [
            "let",
            "set",
            "event",
            "let",
            "assume",
            "let",
            "assume",
            "if",
            "store-range",
            "return"
        ]
    );
    // `read_global_index = i + 1`
    let StmtKind::SetGlobal { global, value } = &read.body[1].kind else {
        unreachable!()
    };
    assert_eq!(&**global, "read_global_index");
    let ExprKind::Binary {
        op: BinOp::Add,
        lhs,
        rhs,
    } = &value.kind
    else {
        panic!("{value:?}")
    };
    assert_eq!(lhs.kind, ExprKind::Local(LocalId(3)));
    assert_eq!(rhs.kind, ExprKind::Const(Value::new(Type::U64, 1)));
    assert_eq!(read.locals[3].name.as_ref(), "i");
    // `store buf[0 .. n] = read_byte(i, _)`
    let StmtKind::StoreRange { range, value } = &read.body[8].kind else {
        unreachable!()
    };
    assert_eq!(range.base.kind, ExprKind::Local(LocalId(1)));
    let ExprKind::Call { function, args } = &value.kind else {
        panic!("{value:?}")
    };
    assert_eq!(&**function, "read_byte");
    assert_eq!(args[1].kind, ExprKind::Offset);
    assert_eq!(value.ty, Type::U8);
    // The event observes the descriptor and the count.
    let StmtKind::Event { name, args } = &read.body[2].kind else {
        unreachable!()
    };
    assert_eq!(&**name, "read");
    assert!(matches!(
        &args[..],
        [EventArg::Value(_), EventArg::Value(_)]
    ));
}

#[test]
fn examples_are_checked_into_concrete_values() {
    let library = Library::builtin().expect("checks");
    let read = library.syscall("read").expect("defined");
    let first = &read.examples[0];
    assert_eq!(
        first.title.as_deref(),
        Some("the first read fills the start of the buffer")
    );
    assert_eq!(
        first.args,
        [
            ExampleArg::Value(Value::new(Type::I32, 0)),
            ExampleArg::Memory(vec![0; 4]),
            ExampleArg::Value(Value::new(Type::U64, 4)),
        ]
    );
    let calls: Vec<String> = first
        .given_calls
        .iter()
        .map(|c| {
            let args: Vec<String> = c.args.iter().map(|a| a.to_string()).collect();
            format!("{}({}) = {}", c.function, args.join(", "), c.value)
        })
        .collect();
    assert_eq!(
        calls,
        [
            "read_error(0) = 0",
            "read_len(0) = 2",
            "read_byte(0, 0) = 104",
            "read_byte(0, 1) = 105"
        ]
    );
    assert_eq!(
        first.outcome,
        Outcome::Returns(Some(Value::new(Type::I64, 2)))
    );
    assert_eq!(first.after_memory, [(LocalId(1), b"hi\0\0".to_vec())]);
    assert_eq!(
        first.after_globals,
        [("read_global_index".into(), Value::new(Type::U64, 1))]
    );
    let events = first.events.as_ref().expect("stated");
    assert_eq!(&*events[0].name, "read");
    assert_eq!(
        events[0].args,
        [
            ExpectedArg::Value(Value::new(Type::I32, 0)),
            ExpectedArg::Value(Value::new(Type::U64, 4))
        ]
    );
    let failed = &read.examples[2];
    assert_eq!(
        failed.outcome,
        Outcome::Returns(Some(Value::new(Type::I64, -9i64 as u64)))
    );

    let write = library.syscall("write").expect("defined");
    let events = write.examples[0].events.as_ref().expect("stated");
    assert_eq!(events[0].args[1], ExpectedArg::Bytes(b"abc".to_vec()));
    let exit = library.syscall("exit").expect("defined");
    assert_eq!(
        exit.examples[0].outcome,
        Outcome::Exits(Value::new(Type::I32, 3))
    );
    assert_eq!(exit.examples[0].events, Some(vec![]));
}

/// The sketch of the language from the design brief, with an example in the brief's syntax.
#[test]
fn the_design_sketch_checks() {
    let file = checked(
        r#"
// Linux system calls for the verifier.
global read_global_index: u64 = 0

uninterpreted read_len(index: u64) -> u64
uninterpreted read_byte(index: u64, offset: u64) -> u8

syscall read(fd: i32, buf: ptr, count: u64) -> i64 {
    number x86_64 = 0
    number aarch64 = 63
    let i = read_global_index
    read_global_index = i + 1
    let n = read_len(i)
    assume n <= count
    store buf[0 .. n] = read_byte(i, _)     // `_` is the byte's offset within the range
    event read(fd, count)
    return n as i64
}

syscall write(fd: i32, buf: ptr, count: u64) -> i64 {
    number x86_64 = 1
    event write(fd, buf[0 .. count])
    return count as i64
}

syscall exit(status: i32) -> never {
    number x86_64 = 60
    exit status
}

stub puts(s: ptr) -> i32 {          // a library function, bound through the calling convention
    clobbers caller_saved
    let n = cstring_length(s, 4096) // built-in: bounded C-string length
    event puts(s[0 .. n])
    return (n + 1) as i32
}

example write { args fd = 1, buf = bytes "616263", count = 3; returns 3; events write(1, bytes "616263") }
example puts { args s = "hi\0"; returns 3; events puts("hi") }
"#,
    );
    assert_eq!(file.syscalls.len(), 3);
    let puts = &file.stubs[0];
    assert!(puts.clobbers.caller_saved);
    assert_eq!(puts.examples.len(), 1);
    assert_eq!(file.syscalls[1].examples.len(), 1);
    let ret = returned(&puts.body);
    let ExprKind::Cast { kind, value } = &ret.kind else {
        panic!("{ret:?}")
    };
    assert_eq!(
        (*kind, ret.ty, value.ty),
        (CastKind::Truncate, Type::I32, Type::U64)
    );
    let StmtKind::Let { value, .. } = &puts.body[0].kind else {
        unreachable!()
    };
    assert!(matches!(
        value.kind,
        ExprKind::Builtin {
            builtin: Builtin::CStringLength,
            ..
        }
    ));
}

#[test]
fn operators_are_resolved_by_type() {
    let file = checked(
        "
stub f(a: i32, b: i32, u: u32, p: ptr, q: ptr) -> void {
    let add = u + 1
    let lt = a < b
    let ult = u < 7
    let shr = a >> 1
    let ushr = u >> 1
    let div = a / b
    let at = p + 8
    let back = p - 8
    let diff = p - q
    let minus = -1 as i32
    let word = load(p + 4, u32)
    let byte = p[3]
    let small = min(a, 0)
    let big = max(u, 0)
    let pick: u8 = if a < 0 then 1 else 2
    let wide = a as i64
    let zero = u as u64
    let narrow = u as u8
    let flag = lt as u8
    let addr = u as ptr
    let both = lt && a != 0
    let pointer_equal = p == q
}",
    );
    let f = &file.stubs[0];
    let value = |name: &str| -> &Expr {
        f.body
            .iter()
            .find_map(|s| match &s.kind {
                StmtKind::Let { local, value } if &*f.locals[local.index()].name == name => {
                    Some(value)
                }
                _ => None,
            })
            .unwrap_or_else(|| panic!("no let {name}"))
    };
    let op = |name: &str| match &value(name).kind {
        ExprKind::Binary { op, .. } => (*op, value(name).ty),
        other => panic!("{name}: {other:?}"),
    };
    assert_eq!(op("add"), (BinOp::Add, Type::U32));
    assert_eq!(op("lt"), (BinOp::SLt, Type::Bool));
    assert_eq!(op("ult"), (BinOp::ULt, Type::Bool));
    assert_eq!(op("shr"), (BinOp::AShr, Type::I32));
    assert_eq!(op("ushr"), (BinOp::LShr, Type::U32));
    assert_eq!(op("div"), (BinOp::SDiv, Type::I32));
    assert_eq!(op("at"), (BinOp::PtrAdd, Type::Ptr));
    assert_eq!(op("back"), (BinOp::PtrSub, Type::Ptr));
    assert_eq!(op("diff"), (BinOp::PtrDiff, Type::U64));
    assert_eq!(op("both"), (BinOp::LogicalAnd, Type::Bool));
    assert_eq!(op("pointer_equal"), (BinOp::Eq, Type::Bool));
    // The literal in `u + 1` took the type of `u`.
    let ExprKind::Binary { rhs, .. } = &value("add").kind else {
        unreachable!()
    };
    assert_eq!(rhs.kind, ExprKind::Const(Value::new(Type::U32, 1)));
    // `-1 as i32`: the literal takes the cast's type.
    let ExprKind::Cast { value: minus, .. } = &value("minus").kind else {
        unreachable!()
    };
    assert_eq!(
        minus.kind,
        ExprKind::Const(Value::new(Type::I32, u64::from(u32::MAX)))
    );
    assert_eq!(value("word").ty, Type::U32);
    let ExprKind::Load { addr } = &value("byte").kind else {
        panic!()
    };
    assert!(matches!(
        addr.kind,
        ExprKind::Binary {
            op: BinOp::PtrAdd,
            ..
        }
    ));
    assert_eq!(value("byte").ty, Type::U8);
    assert!(matches!(
        value("small").kind,
        ExprKind::Builtin {
            builtin: Builtin::SMin,
            ..
        }
    ));
    assert!(matches!(
        value("big").kind,
        ExprKind::Builtin {
            builtin: Builtin::UMax,
            ..
        }
    ));
    assert_eq!(value("pick").ty, Type::U8);
    let cast = |name: &str| match &value(name).kind {
        ExprKind::Cast { kind, .. } => *kind,
        other => panic!("{name}: {other:?}"),
    };
    assert_eq!(cast("wide"), CastKind::SignExtend);
    assert_eq!(cast("zero"), CastKind::ZeroExtend);
    assert_eq!(cast("narrow"), CastKind::Truncate);
    assert_eq!(cast("flag"), CastKind::FromBool);
    assert_eq!(cast("addr"), CastKind::ToPtr);
}

#[test]
fn statements_and_scopes() {
    let file = checked(
        "
global state: u32 = 7
stub f(x: i32, p: ptr) -> i32 {
    clobbers caller_saved
    clobbers x86_64 { rcx, r11 }
    clobbers { r0 }
    if x < 0 {
        let y = 1
        state = state + 1
    } else if x == 0 {
        let y = 2
        assert y == 2, \"two\"
    } else {
        assert x > 0
        store p: u32 = state
        store p[4] = 'a'
        store p[5 .. 9] = (_ as u8) + '0'
    }
    event f(x, p[0 .. 4])
    exit 3
}
stub g() -> void {
    event ping()
}",
    );
    let f = &file.stubs[0];
    assert!(f.clobbers.caller_saved);
    let registers: Vec<(Option<Arch>, &str)> = f
        .clobbers
        .registers
        .iter()
        .map(|r| (r.arch, &*r.name))
        .collect();
    assert_eq!(
        registers,
        [
            (Some(Arch::X86_64), "rcx"),
            (Some(Arch::X86_64), "r11"),
            (None, "r0")
        ]
    );
    // Both `y`s are locals of their own.
    let names: Vec<&str> = f.locals.iter().map(|l| &*l.name).collect();
    assert_eq!(names, ["x", "p", "y", "y"]);
    let StmtKind::If { else_body, .. } = &f.body[0].kind else {
        panic!()
    };
    let StmtKind::If {
        else_body,
        then_body,
        ..
    } = &else_body[0].kind
    else {
        panic!()
    };
    let StmtKind::Assert { message, .. } = &then_body[1].kind else {
        panic!()
    };
    assert_eq!(message, "two");
    let StmtKind::Assert { message, .. } = &else_body[0].kind else {
        panic!()
    };
    assert_eq!(message, "assertion `x > 0` failed");
    assert!(matches!(
        else_body[1].kind,
        StmtKind::Store { ty: Type::U32, .. }
    ));
    assert!(matches!(
        else_body[2].kind,
        StmtKind::Store { ty: Type::U8, .. }
    ));
    assert!(matches!(else_body[3].kind, StmtKind::StoreRange { .. }));
    assert!(matches!(
        f.body.last().map(|s| &s.kind),
        Some(StmtKind::Exit(_))
    ));
    assert_eq!(file.stubs[1].ret, ReturnType::Void);
}

#[test]
fn later_files_override_stubs_and_use_earlier_declarations() {
    let base = "global counter: u64 = 0\n\
                stub puts(s: ptr) -> i32 { return 0 }\n\
                stub abort() -> never { exit 134 }";
    let user = "stub puts(s: ptr) -> i32 {\n\
                    counter = counter + 1\n\
                    return 1\n\
                }";
    let library = Library::from_sources([("base.tstub", base), ("user.tstub", user)])
        .unwrap_or_else(|e| panic!("{e:?}"));
    let puts = library.stub("puts").expect("defined");
    assert_eq!(puts.source.name(), "user.tstub");
    assert_eq!(
        library.stub("abort").map(|s| s.source.name()),
        Some("base.tstub")
    );
    assert_eq!(library.stubs().len(), 2);
    assert_eq!(library.files().len(), 2);
    // Alone, the user file does not know `counter`.
    let errors = parse_and_check("user.tstub", user).expect_err("errors");
    assert_eq!(
        errors[0].one_line(),
        "user.tstub:2:1: unknown name `counter`"
    );
}

#[test]
fn loading_files_and_folders() {
    let dir = std::env::temp_dir().join(format!("tandem-stubs-test-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    std::fs::write(dir.join("b.tstub"), "stub f() -> i32 { return 2 }").expect("write");
    std::fs::write(dir.join("a.tstub"), "stub f() -> i32 { return 1 }").expect("write");
    std::fs::write(dir.join("notes.txt"), "not a stub file").expect("write");

    // A folder loads its files in name order: b.tstub's `f` wins.
    let library = Library::load(&[&dir]).expect("loads");
    assert_eq!(library.files().len(), 2);
    let f = library.stub("f").expect("defined");
    assert!(f.source.name().ends_with("b.tstub"), "{}", f.source.name());

    let library = Library::load_with_builtin(&[dir.join("a.tstub")]).expect("loads");
    assert!(library.syscall("read").is_some());
    assert!(library.stub("f").is_some());

    let missing = Library::load(&[dir.join("missing.tstub")]).expect_err("errors");
    assert!(matches!(missing, LoadError::Io { .. }));
    assert!(missing.to_string().contains("missing.tstub"), "{missing}");

    std::fs::write(dir.join("c.tstub"), "stub g() -> u46 { return 0 }\nstub h(").expect("write");
    let invalid = Library::load(&[&dir]).expect_err("errors");
    let LoadError::Invalid(errors) = &invalid else {
        panic!("{invalid:?}")
    };
    assert_eq!(errors.len(), 2);
    assert!(
        invalid
            .to_string()
            .ends_with("c.tstub:1:13: unknown type `u46` (and 1 more error)"),
        "{invalid}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// The reference's examples stay true: its first example checks, and its sample diagnostic is
/// what the front end prints.
#[test]
fn the_reference_is_accurate() {
    let doc = include_str!("../../../docs/stub-language.md");
    let block_after = |heading: &str, fence: &str| -> String {
        let from = doc.find(heading).expect("the heading");
        let rest = &doc[from..];
        let start = rest.find(fence).expect("a code block") + fence.len();
        let end = rest[start..].find("```").expect("its end");
        rest[start..start + end]
            .trim_start_matches('\n')
            .to_string()
    };
    let first = block_after("## A first example", "```\n");
    let file = checked(&first);
    assert_eq!(file.syscalls.len(), 1);
    assert_eq!(file.stubs[0].examples.len(), 1);

    let rendered = block_after("Two forms:", "```\nerror:");
    let errors = parse_and_check(
        "t.tstub",
        "stub puts(s: ptr) -> i32 {\n    let n = cstring_length(s, 4096)\n    return n + 1\n}",
    )
    .expect_err("errors");
    assert_eq!(format!("error:{rendered}"), errors[0].render());
    let one_line = block_after("Two forms:", "```\n");
    assert_eq!(one_line.trim(), errors[0].one_line());
}
