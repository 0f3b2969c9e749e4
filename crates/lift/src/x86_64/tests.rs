//! Unit tests of the x86-64 lifter on hand-picked encodings.

use super::*;
use tandem_ir::interp::{self, Outcome, PagedMemory, State};

#[test]
fn instruction_ids_are_contiguous() {
    // `insn_from_id` relies on this.
    assert_eq!(X86Insn::X86_INS_INVALID as u32, 0);
    assert_eq!(X86Insn::X86_INS_ENDING as u32, 1524);
    assert_eq!(
        insn_from_id(X86Insn::X86_INS_ADD as u32),
        Some(X86Insn::X86_INS_ADD)
    );
    assert_eq!(insn_from_id(0), None);
    assert_eq!(insn_from_id(1524), None);
}

fn lift(bytes: &[u8]) -> ir::Insn {
    let l = X86_64::new().expect("capstone");
    let insn = l.lift(bytes, 0x1000).expect("decodes");
    if let Err(errs) = ir::verify(&insn, &regs::DESC) {
        panic!("{}\n{errs:?}", insn.display(&regs::DESC));
    }
    insn
}

fn run(bytes: &[u8], setup: &[(ir::Reg, u128)]) -> (State, Outcome) {
    let insn = lift(bytes);
    let mut st = State::new(&regs::DESC);
    for (r, v) in setup {
        st.set(*r, *v);
    }
    let mut mem = PagedMemory::new();
    mem.map(0x8000, 0x1000, true, &[]);
    let (out, _) = interp::step(&regs::DESC, &insn, &mut st, &mut mem).expect("runs");
    (st, out)
}

#[test]
fn add_sets_carry_and_zero() {
    // add rax, rbx
    let (st, out) = run(
        &[0x48, 0x01, 0xd8],
        &[(regs::RAX, u128::from(u64::MAX)), (regs::RBX, 1)],
    );
    assert_eq!(out, Outcome::Continue(0x1003));
    assert_eq!(st.get(regs::RAX), 0);
    assert_eq!(st.get(regs::CF), 1);
    assert_eq!(st.get(regs::ZF), 1);
    assert_eq!(st.get(regs::OF), 0);
}

#[test]
fn partial_register_writes() {
    // mov eax, ebx zeroes the upper half; mov al, bl merges; mov ah, bl merges bits 8..16.
    let (st, _) = run(
        &[0x89, 0xd8],
        &[(regs::RAX, 0xFFFF_FFFF_FFFF_FFFF), (regs::RBX, 0x1234)],
    );
    assert_eq!(st.get(regs::RAX), 0x1234);
    let (st, _) = run(
        &[0x88, 0xd8],
        &[(regs::RAX, 0xFFFF_FFFF_FFFF_FFFF), (regs::RBX, 0x12)],
    );
    assert_eq!(st.get(regs::RAX), 0xFFFF_FFFF_FFFF_FF12);
    let (st, _) = run(
        &[0x88, 0xdc],
        &[(regs::RAX, 0xFFFF_FFFF_FFFF_FFFF), (regs::RBX, 0x12)],
    );
    assert_eq!(st.get(regs::RAX), 0xFFFF_FFFF_FFFF_12FF);
}

#[test]
fn division_by_zero_traps() {
    // div rbx
    let (_, out) = run(&[0x48, 0xf7, 0xf3], &[(regs::RAX, 5)]);
    assert_eq!(out, Outcome::Trap(ir::Trap::DivideError));
}

#[test]
fn unknown_instruction_is_explicitly_unsupported() {
    // cpuid
    let insn = lift(&[0x0f, 0xa2]);
    assert_eq!(insn.unsupported(), Some("cpuid"));
}

#[test]
fn call_pushes_return_address() {
    // call 0x2000 (e8 rel32) at 0x1000
    let rel = (0x2000i64 - 0x1005) as i32;
    let mut bytes = vec![0xe8];
    bytes.extend_from_slice(&rel.to_le_bytes());
    let (st, out) = run(&bytes, &[(regs::RSP, 0x8100)]);
    assert_eq!(out, Outcome::Continue(0x2000));
    assert_eq!(st.get(regs::RSP), 0x80f8);
}

#[test]
fn sse_compares_decode_by_opcode() {
    // Capstone 5 scrambles the instruction ids of the predicate-named SSE compares
    // (`cmpless` comes back as `cmpsb`); the lifter decodes them from the opcode instead.
    let cases: [(&[u8], &str); 4] = [
        (&[0xf3, 0x41, 0x0f, 0xc2, 0xf6, 0x02], "cmpless xmm6, xmm14"),
        (&[0xf2, 0x0f, 0xc2, 0xca, 0x01], "cmpltsd xmm1, xmm2"),
        (&[0x0f, 0xc2, 0xca, 0x01], "cmpltps xmm1, xmm2"),
        (&[0x66, 0x0f, 0xc2, 0xca, 0x03], "cmpunordpd xmm1, xmm2"),
    ];
    for (bytes, asm) in cases {
        let insn = lift(bytes);
        assert_eq!(insn.asm, asm);
        assert_eq!(insn.unsupported(), None, "{asm}");
        assert!(
            insn.stmts
                .iter()
                .all(|s| !matches!(s, ir::Stmt::Load { .. })),
            "{asm}: not a string compare"
        );
    }
}

#[test]
fn syscall_saves_return_address_and_flags() {
    // syscall at 0x1000
    let (st, out) = run(&[0x0f, 0x05], &[(regs::CF, 1), (regs::ZF, 1)]);
    assert_eq!(out, Outcome::Syscall);
    assert_eq!(st.get(regs::RCX), 0x1002);
    assert_eq!(st.get(regs::R11), 0x202 | 1 | (1 << 6));
    assert_eq!(st.get(regs::RIP), 0x1002);
}
