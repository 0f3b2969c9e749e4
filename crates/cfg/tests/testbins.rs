//! Code discovery, CFARs, liveness and pairing on committed test binaries.

use tandem_cfg::{HeadKind, MatchedBy, Program, cfars, pair_functions};
use tandem_loader::Binary;

fn read(name: &str) -> Vec<u8> {
    let path = format!("{}/../../testbins/bin/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn symbol(bin: &Binary, name: &str) -> u64 {
    bin.symbol(name.as_bytes())
        .unwrap_or_else(|| panic!("no symbol {name}"))
        .address
}

#[test]
fn a_loop_over_the_input_has_one_loop_head_and_return_sites_after_calls() {
    let data = read("loop-sum/orig-O0");
    let bin = Binary::parse(&data).expect("elf");
    let prog = Program::new(&bin).expect("x86-64");
    let main = symbol(&bin, "tb_main");
    let f = prog.function(main);
    assert_eq!(f.name.as_deref(), Some("tb_main"));
    assert_eq!(f.loop_heads.len(), 1, "{:x?}", f.loop_heads);
    assert!(f.may_return);
    assert!(f.unresolved.is_empty() && f.undecodable.is_empty());
    let regions = cfars(&f);
    let kinds: Vec<HeadKind> = regions.iter().map(|c| c.kind).collect();
    assert_eq!(
        kinds
            .iter()
            .filter(|k| **k == HeadKind::FunctionEntry)
            .count(),
        1
    );
    assert_eq!(
        kinds.iter().filter(|k| **k == HeadKind::LoopHead).count(),
        1
    );
    // tb_read and tb_put_u32 both return: two return sites.
    assert_eq!(
        kinds.iter().filter(|k| **k == HeadKind::ReturnSite).count(),
        2
    );
    // Every block belongs to exactly one region.
    let mut blocks: Vec<u64> = regions.iter().flat_map(|c| c.blocks.clone()).collect();
    blocks.sort();
    let before = blocks.len();
    blocks.dedup();
    assert_eq!(before, blocks.len());
    assert_eq!(blocks.len(), f.blocks.len());
}

#[test]
fn the_entry_stub_never_returns_and_exit_has_no_return_site() {
    let data = read("loop-sum/orig-O2");
    let bin = Binary::parse(&data).expect("elf");
    let prog = Program::new(&bin).expect("x86-64");
    let start = prog.function(prog.entry());
    assert!(!start.may_return, "_start ends in exit");
}

#[test]
fn liveness_at_a_function_entry_excludes_registers_written_first() {
    let data = read("loop-sum/orig-O2");
    let bin = Binary::parse(&data).expect("elf");
    let prog = Program::new(&bin).expect("x86-64");
    let main = symbol(&bin, "tb_main");
    let live = prog.liveness(main).live_at(main, prog.desc());
    let reg = |n: &str| prog.desc().reg(n).expect("register").id;
    // tb_main takes no arguments and sets up the read's registers itself.
    assert!(!live.contains(reg("rdi")));
    assert!(!live.contains(reg("rdx")));
    assert!(live.contains(reg("rsp")));
}

#[test]
fn functions_pair_by_symbol_across_optimisation_levels() {
    let (o, p) = (
        read("helper-extract/orig-O0"),
        read("helper-extract/orig-O2"),
    );
    let (ob, pb) = (
        Binary::parse(&o).expect("elf"),
        Binary::parse(&p).expect("elf"),
    );
    let (op, pp) = (
        Program::new(&ob).expect("x86-64"),
        Program::new(&pb).expect("x86-64"),
    );
    let pairs = pair_functions(&op, &pp, (op.entry(), pp.entry()));
    assert_eq!(pairs[0].how, MatchedBy::Root);
    let main = pairs
        .iter()
        .find(|p| p.original.as_ref().and_then(|f| f.name.as_deref()) == Some("tb_main"))
        .expect("tb_main is reachable");
    assert_eq!(main.how, MatchedBy::Symbol);
    assert_eq!(
        main.patched.as_ref().and_then(|f| f.name.as_deref()),
        Some("tb_main")
    );
    // Helpers inlined at -O2 stay unpaired rather than being paired with something else.
    for pair in &pairs {
        if let (Some(a), Some(b)) = (&pair.original, &pair.patched)
            && pair.how == MatchedBy::Symbol
        {
            assert_eq!(a.name, b.name);
        }
    }
}

/// The targets of the one jump table in `function` of `bin`, after discovery.
fn switch_targets(bin: &str, function: &str) -> Vec<u64> {
    let data = read(bin);
    let bin = Binary::parse(&data).expect("elf");
    let prog = Program::new(&bin).expect("x86-64");
    let f = prog.function(symbol(&bin, function));
    assert!(
        f.unresolved.is_empty(),
        "unresolved jumps {:x?}",
        f.unresolved
    );
    let tables: Vec<Vec<u64>> = f
        .blocks
        .values()
        .filter_map(|b| match &b.term {
            tandem_cfg::Terminator::Switch { targets } => Some(targets.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(tables.len(), 1, "{tables:x?}");
    tables[0].clone()
}

#[test]
fn jump_tables_resolve_behind_register_and_stack_slot_bounds_checks() {
    // `cmp esi, 7; ja` at -O2; `cmp dword ptr [rbp - 8], 7; ja` at -O0. Cases 0..7, the
    // default shared with one of them: 8 distinct targets at most, more than 2 surely.
    for bin in ["switch-to-ifs/orig-O2", "switch-to-ifs/orig-O0"] {
        let targets = switch_targets(bin, "step");
        assert!((3..=8).contains(&targets.len()), "{bin}: {targets:x?}");
    }
}

#[test]
fn a_jump_table_without_a_bounds_check_is_read_while_it_points_into_the_function() {
    // `op = code[pc] >> 5` needs no check: the table's 8 entries are the 8 cases.
    let targets = switch_targets("jump-table-vm/orig-O2", "tb_main");
    assert_eq!(targets.len(), 8, "{targets:x?}");
}

#[test]
fn a_nested_loop_body_is_its_natural_loop_not_the_outer_cycle() {
    // pate-crc/good-O0: the byte loop (head 0x401125) contains the 8-step bit loop (head
    // 0x40111a, blocks 0x4010fa..0x40111a); the bit loop's head is also on the byte loop's
    // cycle, which must not make the byte loop part of the bit loop.
    let data = read("pate-crc/good-O0");
    let bin = Binary::parse(&data).expect("elf");
    let prog = Program::new(&bin).expect("x86-64");
    let f = prog.function(symbol(&bin, "tb_main"));
    let heads: Vec<u64> = f.loop_heads.iter().copied().collect();
    assert_eq!(heads, [0x40111a, 0x401125]);
    let inner: Vec<u64> = f.loop_body(0x40111a).into_iter().collect();
    assert_eq!(inner, [0x4010fa, 0x401104, 0x401113, 0x401116, 0x40111a]);
    let outer = f.loop_body(0x401125);
    assert!(inner.iter().all(|b| outer.contains(b)));
    assert!(outer.contains(&0x4010dd) && outer.contains(&0x401120));
    assert!(!outer.contains(&f.entry));
    assert!(f.loop_body(f.entry).is_empty(), "not a loop head");
}
