//! Imports: PLT stubs matched to the dynamic relocations of the GOT slots they jump through.
//!
//! A stub is recognised by the exact byte pattern the linker writes (no disassembler: the
//! loader sits below the lifter), its GOT slot is computed from the pattern's operands, and the
//! slot is looked up among the `JUMP_SLOT` and `GLOB_DAT` relocations. A stub whose slot has no
//! such relocation is left out rather than guessed.

use crate::Arch;
use crate::sections::Section;

/// How the dynamic linker fills the GOT slot of an import.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SlotKind {
    /// A `JUMP_SLOT` relocation (`.rela.plt`/`.rel.plt`): a PLT entry in `.plt` or `.plt.sec`,
    /// bound lazily or at load time.
    JumpSlot,
    /// A `GLOB_DAT` relocation (`.rela.dyn`/`.rel.dyn`): the function's address is also taken,
    /// and the stub (in `.plt.got` on x86) jumps through that ordinary GOT entry.
    GlobDat,
}

/// A library function called through a PLT stub.
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Import<'data> {
    /// Address of the PLT stub: the target of a `call`/`bl` to the library function (the
    /// address `objdump` labels `name@plt`).
    pub plt: u64,
    /// ARM only: when the stub starts with a Thumb-to-ARM prefix (`bx pc` followed by
    /// `b .-4` or `nop`), `plt` is that Thumb entry and this is the address of the ARM
    /// instructions after it, which calls from ARM code target.
    pub arm_entry: Option<u64>,
    /// Address of the GOT slot the stub jumps through.
    pub got: u64,
    /// The imported function's name, without version (`puts`).
    pub name: &'data [u8],
    /// The symbol version (`GLIBC_2.2.5`), when the file has version tables.
    pub version: Option<&'data [u8]>,
    /// The relocation that fills the slot.
    pub slot: SlotKind,
    /// Index of the section that holds the stub (`.plt`, `.plt.sec`, `.plt.got`, `.text` on
    /// PowerPC).
    pub section: usize,
}

impl std::fmt::Debug for Import<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Import")
            .field("name", &self.name_lossy())
            .field("version", &self.version.map(String::from_utf8_lossy))
            .field("plt", &format_args!("{:#x}", self.plt))
            .field("arm_entry", &self.arm_entry)
            .field("got", &format_args!("{:#x}", self.got))
            .field("slot", &self.slot)
            .field("section", &self.section)
            .finish()
    }
}

impl Import<'_> {
    /// The name for display (invalid UTF-8 replaced).
    pub fn name_lossy(&self) -> std::borrow::Cow<'_, str> {
        String::from_utf8_lossy(self.name)
    }
}

/// A GOT slot with a symbol-bearing dynamic relocation.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Slot<'data> {
    pub(crate) got: u64,
    pub(crate) name: &'data [u8],
    pub(crate) version: Option<&'data [u8]>,
    pub(crate) kind: SlotKind,
}

/// What the import finder needs to know about the file.
pub(crate) struct Target {
    pub(crate) arch: Arch,
    /// Whether instruction words are big-endian.
    pub(crate) code_big_endian: bool,
    /// Whether addresses are 32 bits wide (results are truncated to them).
    pub(crate) addr32: bool,
    /// The value of the GOT pointer register in i386 PIC stubs (`DT_PLTGOT`, the start of
    /// `.got.plt`).
    pub(crate) got_base: Option<u64>,
}

/// Finds every PLT stub in `sections` whose GOT slot is one of `slots`, sorted by stub address.
pub(crate) fn find<'data>(
    target: &Target,
    sections: &[Section<'data>],
    slots: &mut Vec<Slot<'data>>,
) -> Vec<Import<'data>> {
    // A slot with both kinds of relocation (malformed) keeps the JUMP_SLOT one.
    slots.sort_by_key(|s| (s.got, s.kind != SlotKind::JumpSlot));
    slots.dedup_by_key(|s| s.got);
    let mut imports = Vec::new();
    if slots.is_empty() {
        return imports;
    }
    for section in sections {
        if !section.execute || !section.has_file_data() || !scans(target.arch, section) {
            continue;
        }
        let step = match target.arch {
            Arch::X86_64 | Arch::X86 => 8,
            _ => 4,
        };
        let mut offset = 0usize;
        while offset < section.data.len() {
            let addr = section.addr.wrapping_add(offset as u64);
            if let Some(stub) = decode(target, section.data, offset, addr) {
                let got = if target.addr32 {
                    stub.got & 0xffff_ffff
                } else {
                    stub.got
                };
                if let Ok(at) = slots.binary_search_by_key(&got, |s| s.got)
                    && let Some(slot) = slots.get(at)
                {
                    imports.push(Import {
                        plt: stub.entry,
                        arm_entry: stub.arm_entry,
                        got,
                        name: slot.name,
                        version: slot.version,
                        slot: slot.kind,
                        section: section.index,
                    });
                }
            }
            offset = offset.saturating_add(step);
        }
    }
    imports.sort_by_key(|i| (i.plt, i.got));
    imports.dedup_by_key(|i| i.plt);
    imports
}

/// Which executable sections hold PLT stubs on each architecture.
fn scans(arch: Arch, section: &Section<'_>) -> bool {
    match arch {
        // PowerPC32 secure-PLT call stubs are emitted into `.text` by the linker.
        Arch::PowerPc => true,
        Arch::X86_64 | Arch::X86 | Arch::AArch64 | Arch::Arm | Arch::RiscV32 | Arch::RiscV64 => {
            section.name.starts_with(b".plt")
        }
        Arch::PowerPc64 => false,
    }
}

/// A decoded stub.
struct Stub {
    /// What callers target.
    entry: u64,
    /// The GOT slot it jumps through.
    got: u64,
    /// See [`Import::arm_entry`].
    arm_entry: Option<u64>,
}

/// Decodes the stub whose distinctive instructions start at `data[offset..]` (at virtual
/// address `addr`).
fn decode(target: &Target, data: &[u8], offset: usize, addr: u64) -> Option<Stub> {
    let code = data.get(offset..)?;
    let plain = |got| Stub {
        entry: addr,
        got,
        arm_entry: None,
    };
    match target.arch {
        Arch::X86_64 => x86_64(code, addr).map(plain),
        Arch::X86 => x86(code, target.got_base).map(plain),
        Arch::AArch64 => aarch64(data, offset, addr).map(|(entry, got)| Stub {
            entry,
            got,
            arm_entry: None,
        }),
        Arch::Arm => {
            let got = arm(code, addr, target.code_big_endian)?;
            if thumb_prefix(data, offset, target.code_big_endian) {
                Some(Stub {
                    entry: addr.wrapping_sub(4),
                    got,
                    arm_entry: Some(addr),
                })
            } else {
                Some(plain(got))
            }
        }
        Arch::PowerPc => powerpc(code, target.code_big_endian).map(plain),
        Arch::RiscV32 | Arch::RiscV64 => riscv(code, addr, target.arch == Arch::RiscV64).map(plain),
        Arch::PowerPc64 => None,
    }
}

const ENDBR64: [u8; 4] = [0xf3, 0x0f, 0x1e, 0xfa];
const ENDBR32: [u8; 4] = [0xf3, 0x0f, 0x1e, 0xfb];
const BND: u8 = 0xf2;

/// x86-64 stubs, all `jmp *disp32(%rip)` (`ff 25`), optionally after `endbr64` and/or a `bnd`
/// prefix:
/// - `.plt` entry: `ff 25 <rel32>; push $index; jmp PLT0` (lazy binding, or `-z now` without IBT);
/// - `.plt.sec` entry: `endbr64; bnd jmp *GOT(%rip)` or `endbr64; jmp *GOT(%rip)`;
/// - `.plt.got` entry: `jmp *GOT(%rip); xchg %ax,%ax` (8 bytes) or the IBT form (16 bytes);
/// - MPX `.plt.bnd`: `bnd jmp *GOT(%rip)`.
///
/// PLT0 (`push GOT+8; jmp *GOT+16`) jumps through a slot without relocation, so it never
/// matches.
fn x86_64(code: &[u8], addr: u64) -> Option<u64> {
    let mut at = 0usize;
    if code.starts_with(&ENDBR64) {
        at = 4;
    }
    if code.get(at) == Some(&BND) {
        at += 1;
    }
    if code.get(at..at + 2)? != [0xff, 0x25] {
        return None;
    }
    let disp = i32::from_le_bytes(code.get(at + 2..at + 6)?.try_into().ok()?);
    let next = addr.wrapping_add(at as u64 + 6);
    Some(next.wrapping_add(i64::from(disp) as u64))
}

/// i386 stubs: `jmp *abs32` (`ff 25`, non-PIC) or `jmp *disp32(%ebx)` (`ff a3`, PIC, where
/// `%ebx` holds `DT_PLTGOT`), optionally after `endbr32` and/or `bnd`.
fn x86(code: &[u8], got_base: Option<u64>) -> Option<u64> {
    let mut at = 0usize;
    if code.starts_with(&ENDBR32) {
        at = 4;
    }
    if code.get(at) == Some(&BND) {
        at += 1;
    }
    let operand = code.get(at + 2..at + 6)?;
    match code.get(at..at + 2)? {
        [0xff, 0x25] => Some(u64::from(u32::from_le_bytes(operand.try_into().ok()?))),
        [0xff, 0xa3] => {
            let disp = i32::from_le_bytes(operand.try_into().ok()?);
            Some(got_base?.wrapping_add(i64::from(disp) as u64))
        }
        _ => None,
    }
}

fn word(code: &[u8], offset: usize, big_endian: bool) -> Option<u32> {
    let bytes: [u8; 4] = code.get(offset..offset.checked_add(4)?)?.try_into().ok()?;
    Some(if big_endian {
        u32::from_be_bytes(bytes)
    } else {
        u32::from_le_bytes(bytes)
    })
}

/// Sign-extends the low `bits` bits of `value`.
fn sign_extend(value: u64, bits: u32) -> i64 {
    let shift = 64 - bits;
    ((value << shift) as i64) >> shift
}

const AARCH64_BTI_C: u32 = 0xd503_245f;
const AARCH64_BR_X17: u32 = 0xd61f_0220;
const AARCH64_AUTIA1716: u32 = 0xd503_219f;
const AARCH64_AUTIB1716: u32 = 0xd503_21df;

/// AArch64 stubs (instructions are little-endian in every AArch64 ELF):
/// `[bti c;] adrp x16, PAGE(slot); ldr x17, [x16, #PAGEOFF(slot)]; add x16, x16, #PAGEOFF(slot);
/// [autia1716 | autib1716;] br x17` (the ILP32 form loads `w17`). With `bti c` the entry starts
/// at the `bti`.
fn aarch64(data: &[u8], offset: usize, addr: u64) -> Option<(u64, u64)> {
    let adrp = word(data, offset, false)?;
    if adrp & 0x9f00_0000 != 0x9000_0000 || adrp & 0x1f != 16 {
        return None;
    }
    let immlo = u64::from((adrp >> 29) & 0x3);
    let immhi = u64::from((adrp >> 5) & 0x7_ffff);
    let page_delta = sign_extend((immhi << 2) | immlo, 21).wrapping_mul(4096);
    let page = (addr & !0xfff).wrapping_add(page_delta as u64);

    let ldr = word(data, offset.checked_add(4)?, false)?;
    let scale = match ldr & 0xffc0_0000 {
        0xf940_0000 => 8, // ldr x17, [x16, #imm]
        0xb940_0000 => 4, // ldr w17, [x16, #imm] (ILP32)
        _ => return None,
    };
    if (ldr >> 5) & 0x1f != 16 || ldr & 0x1f != 17 {
        return None;
    }
    let pageoff = u64::from((ldr >> 10) & 0xfff) * scale;

    let add = word(data, offset.checked_add(8)?, false)?;
    let add_imm = u64::from((add >> 10) & 0xfff);
    // add x16, x16, #imm (64-bit) or add w16, w16, #imm (ILP32), no shift.
    if !(add & 0xffc0_0000 == 0x9100_0000 || add & 0xffc0_0000 == 0x1100_0000)
        || (add >> 5) & 0x1f != 16
        || add & 0x1f != 16
        || add_imm != pageoff
    {
        return None;
    }
    let mut next = offset.checked_add(12)?;
    let mut branch = word(data, next, false)?;
    if branch == AARCH64_AUTIA1716 || branch == AARCH64_AUTIB1716 {
        next = next.checked_add(4)?;
        branch = word(data, next, false)?;
    }
    if branch != AARCH64_BR_X17 {
        return None;
    }
    let entry = match offset.checked_sub(4).and_then(|o| word(data, o, false)) {
        Some(AARCH64_BTI_C) => addr.wrapping_sub(4),
        _ => addr,
    };
    Some((entry, page.wrapping_add(pageoff)))
}

/// An ARM modified immediate: an 8-bit value rotated right by twice the 4-bit rotation.
fn arm_immediate(insn: u32) -> u64 {
    let rotation = ((insn >> 8) & 0xf) * 2;
    u64::from((insn & 0xff).rotate_right(rotation))
}

/// ARM (A32) stubs: `add ip, pc, #A; add ip, ip, #B; [add ip, ip, #C;] ldr pc, [ip, #D]!`, where
/// the slot is `entry + 8 + A + B (+ C) + D`; and the `--long-plt` form
/// `ldr ip, [pc, #4]; add ip, pc, ip; ldr pc, [ip]; .word slot - (entry + 12)`.
fn arm(code: &[u8], addr: u64, big_endian: bool) -> Option<u64> {
    let first = word(code, 0, big_endian)?;
    if first == 0xe59f_c004 {
        // Long form.
        if word(code, 4, big_endian)? != 0xe08c_c00f || word(code, 8, big_endian)? != 0xe59c_f000 {
            return None;
        }
        let offset = word(code, 12, big_endian)?;
        return Some(addr.wrapping_add(12).wrapping_add(u64::from(offset)) & 0xffff_ffff);
    }
    if first & 0xffff_f000 != 0xe28f_c000 {
        return None;
    }
    let mut slot = addr.wrapping_add(8).wrapping_add(arm_immediate(first));
    let mut at = 4usize;
    for _ in 0..2 {
        let insn = word(code, at, big_endian)?;
        if insn & 0xffff_f000 != 0xe28c_c000 {
            break;
        }
        slot = slot.wrapping_add(arm_immediate(insn));
        at += 4;
    }
    if at == 4 {
        return None;
    }
    let load = word(code, at, big_endian)?;
    let offset = u64::from(load & 0xfff);
    slot = match load & 0xffff_f000 {
        0xe5bc_f000 => slot.wrapping_add(offset), // ldr pc, [ip, #+imm]!
        0xe53c_f000 => slot.wrapping_sub(offset), // ldr pc, [ip, #-imm]!
        _ => return None,
    };
    Some(slot & 0xffff_ffff)
}

/// Whether the four bytes before `offset` are the Thumb-to-ARM prefix of an ARM PLT entry:
/// `bx pc` (`4778`) then `b .-4` (`e7fd`) or `nop` (`46c0`).
fn thumb_prefix(data: &[u8], offset: usize, big_endian: bool) -> bool {
    let Some(start) = offset.checked_sub(4) else {
        return false;
    };
    let half = |at: usize| -> Option<u16> {
        let bytes: [u8; 2] = data.get(at..at + 2)?.try_into().ok()?;
        Some(if big_endian {
            u16::from_be_bytes(bytes)
        } else {
            u16::from_le_bytes(bytes)
        })
    };
    half(start) == Some(0x4778) && matches!(half(start + 2), Some(0xe7fd | 0x46c0))
}

/// PowerPC32 secure-PLT call stubs of non-PIC code:
/// `lis r11, HA(slot); lwz r11, LO(slot)(r11); mtctr r11; bctr`.
fn powerpc(code: &[u8], big_endian: bool) -> Option<u64> {
    let lis = word(code, 0, big_endian)?;
    let lwz = word(code, 4, big_endian)?;
    if lis & 0xffff_0000 != 0x3d60_0000
        || lwz & 0xffff_0000 != 0x816b_0000
        || word(code, 8, big_endian)? != 0x7d69_03a6
        || word(code, 12, big_endian)? != 0x4e80_0420
    {
        return None;
    }
    let high = u64::from(lis & 0xffff) << 16;
    let low = sign_extend(u64::from(lwz & 0xffff), 16) as u64;
    Some(high.wrapping_add(low) & 0xffff_ffff)
}

/// RISC-V stubs: `auipc t3, HI(slot); l[wd] t3, LO(slot)(t3); jalr t1, t3; nop`.
fn riscv(code: &[u8], addr: u64, is_64: bool) -> Option<u64> {
    let auipc = word(code, 0, false)?;
    let load = word(code, 4, false)?;
    let load_pattern = if is_64 { 0x000e_3e03 } else { 0x000e_2e03 };
    if auipc & 0xfff != 0xe17
        || load & 0x000f_ffff != load_pattern
        || word(code, 8, false)? != 0x000e_0367
    {
        return None;
    }
    let high = sign_extend(u64::from(auipc & 0xffff_f000), 32);
    let low = sign_extend(u64::from(load >> 20), 12);
    let slot = addr.wrapping_add(high as u64).wrapping_add(low as u64);
    Some(if is_64 { slot } else { slot & 0xffff_ffff })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn x86_64_forms() {
        // objdump: 1030: ff 25 ca 2f 00 00  jmp *0x2fca(%rip)  # 4000
        assert_eq!(
            x86_64(&[0xff, 0x25, 0xca, 0x2f, 0, 0], 0x1030),
            Some(0x4000)
        );
        // endbr64; bnd jmp *0x2f16(%rip) at 0x1090 -> 0x1090 + 11 + 0x2f16
        let bnd = [0xf3, 0x0f, 0x1e, 0xfa, 0xf2, 0xff, 0x25, 0x16, 0x2f, 0, 0];
        assert_eq!(x86_64(&bnd, 0x1090), Some(0x1090 + 11 + 0x2f16));
        // Negative displacement.
        assert_eq!(
            x86_64(&[0xff, 0x25, 0xf0, 0xff, 0xff, 0xff], 0x2000),
            Some(0x2006 - 0x10)
        );
        // PLT0's `push` is not a stub, nor are truncated bytes.
        assert_eq!(x86_64(&[0xff, 0x35, 0, 0, 0, 0], 0x1020), None);
        assert_eq!(x86_64(&[0xff, 0x25, 0, 0], 0x1020), None);
        assert_eq!(x86_64(&ENDBR64, 0x1020), None);
    }

    #[test]
    fn x86_forms() {
        assert_eq!(
            x86(&[0xff, 0x25, 0x0c, 0xa0, 0x04, 0x08], None),
            Some(0x0804_a00c)
        );
        assert_eq!(
            x86(&[0xff, 0xa3, 0x0c, 0, 0, 0], Some(0x4000)),
            Some(0x400c)
        );
        assert_eq!(x86(&[0xff, 0xa3, 0x0c, 0, 0, 0], None), None);
        let ibt = [0xf3, 0x0f, 0x1e, 0xfb, 0xf2, 0xff, 0xa3, 0x10, 0, 0, 0];
        assert_eq!(x86(&ibt, Some(0x4000)), Some(0x4010));
    }

    fn le_words(words: &[u32]) -> Vec<u8> {
        words.iter().flat_map(|w| w.to_le_bytes()).collect()
    }

    #[test]
    fn aarch64_forms() {
        // aarch64-linux-gnu-objdump: 790: adrp x16, 2000; ldr x17, [x16, #48];
        // add x16, x16, #0x30; br x17
        let plain = le_words(&[0xd000_0010, 0xf940_1a11, 0x9100_c210, 0xd61f_0220]);
        assert_eq!(aarch64(&plain, 0, 0x790), Some((0x790, 0x2030)));
        let bti = le_words(&[
            AARCH64_BTI_C,
            0xd000_0010,
            0xf940_1a11,
            0x9100_c210,
            AARCH64_AUTIA1716,
            0xd61f_0220,
        ]);
        assert_eq!(aarch64(&bti, 4, 0x794), Some((0x790, 0x2030)));
        // The add must agree with the load.
        let mismatched = le_words(&[0xd000_0010, 0xf940_1a11, 0x9100_a210, 0xd61f_0220]);
        assert_eq!(aarch64(&mismatched, 0, 0x790), None);
        assert_eq!(aarch64(&plain, 4, 0x794), None);
    }

    #[test]
    fn arm_forms() {
        // arm-linux-gnueabi-objdump: 4c0: add ip, pc, #0, 12; add ip, ip, #4096;
        // ldr pc, [ip, #2912]!  -> slot 0x2028
        let code = le_words(&[0xe28f_c600, 0xe28c_ca01, 0xe5bc_fb60]);
        assert_eq!(arm(&code, 0x4c0, false), Some(0x2028));
        let big: Vec<u8> = [0xe28f_c600u32, 0xe28c_ca01, 0xe5bc_fb60]
            .iter()
            .flat_map(|w| w.to_be_bytes())
            .collect();
        assert_eq!(arm(&big, 0x4c0, true), Some(0x2028));
        let long = le_words(&[0xe59f_c004, 0xe08c_c00f, 0xe59c_f000, 0x1b34]);
        assert_eq!(arm(&long, 0x4c0, false), Some(0x4c0 + 12 + 0x1b34));
        assert_eq!(
            arm(&le_words(&[0xe28f_c600, 0xe5bc_fb60]), 0x4c0, false),
            None
        );
        // arm-linux-gnueabi-objdump of a -mthumb build: 4d4: bx pc; b.n 4d4; then the ARM stub.
        let prefixed = [&[0x78, 0x47, 0xfd, 0xe7][..], &code[..]].concat();
        assert!(thumb_prefix(&prefixed, 4, false));
        assert!(!thumb_prefix(&prefixed, 0, false));
        assert!(!thumb_prefix(&code, 4, false));
    }

    #[test]
    fn powerpc_and_riscv_forms() {
        // powerpc-linux-gnu-objdump: 10000710: lis r11,4096; lwz r11,8212(r11); mtctr r11;
        // bctr -> slot 0x10002014
        let code: Vec<u8> = [0x3d60_1000u32, 0x816b_2014, 0x7d69_03a6, 0x4e80_0420]
            .iter()
            .flat_map(|w| w.to_be_bytes())
            .collect();
        assert_eq!(powerpc(&code, true), Some(0x1000_2014));
        // A negative low half borrows from the high half.
        let code: Vec<u8> = [0x3d60_1001u32, 0x816b_fff0, 0x7d69_03a6, 0x4e80_0420]
            .iter()
            .flat_map(|w| w.to_be_bytes())
            .collect();
        assert_eq!(powerpc(&code, true), Some(0x1000_fff0));
        // auipc t3, 0x2; ld t3, -16(t3); jalr t1, t3; nop
        let code = le_words(&[0x0000_2e17, 0xff0e_3e03, 0x000e_0367, 0x0000_0013]);
        assert_eq!(riscv(&code, 0x500, true), Some(0x500 + 0x2000 - 16));
        assert_eq!(riscv(&code, 0x500, false), None, "ld is not an RV32 load");
    }
}
