//! [`Program`]: one binary, its lifter, and the caches of lifted instructions and functions.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use tandem_ir::{Insn, MachineDesc};
use tandem_lift::{Arch, X86_64};
use tandem_loader::{Arch as Machine, Binary, SymbolKind};

use crate::discover::{self, Function};
use crate::liveness::Liveness;

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CfgError {
    #[error("unsupported architecture {0} (tandem analyses x86-64 so far)")]
    UnsupportedArch(&'static str),
    #[error("{addr:#x} is not in executable memory")]
    NotExecutable { addr: u64 },
    #[error("no valid instruction at {addr:#x}")]
    Undecodable { addr: u64 },
    #[error("disassembler failure: {0}")]
    Decoder(String),
}

/// Names of library functions that never return.
const NO_RETURN_NAMES: &[&str] = &[
    "exit",
    "_exit",
    "_Exit",
    "abort",
    "__stack_chk_fail",
    "__assert_fail",
    "__fortify_fail",
    "__chk_fail",
    "err",
    "errx",
    "verr",
    "verrx",
    "quick_exit",
    "pthread_exit",
    "longjmp",
    "siglongjmp",
    "__cxa_throw",
];

/// A binary prepared for analysis.
pub struct Program<'b> {
    binary: &'b Binary<'b>,
    lifter: X86_64,
    insns: RefCell<HashMap<u64, Rc<Insn>>>,
    functions: RefCell<HashMap<u64, Rc<Function>>>,
    liveness: RefCell<HashMap<u64, Rc<Liveness>>>,
    /// Entry address to name, for defined function symbols.
    names: HashMap<u64, String>,
    /// Function entries being discovered, to break recursion in the no-return analysis.
    in_progress: RefCell<Vec<u64>>,
}

impl std::fmt::Debug for Program<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Program({} functions named)", self.names.len())
    }
}

impl<'b> Program<'b> {
    pub fn new(binary: &'b Binary<'b>) -> Result<Program<'b>, CfgError> {
        if binary.arch() != Machine::X86_64 {
            return Err(CfgError::UnsupportedArch(binary.arch().name()));
        }
        let lifter = X86_64::new().map_err(|e| CfgError::Decoder(e.to_string()))?;
        let mut names = HashMap::new();
        for s in binary.symbols() {
            if s.defined && matches!(s.kind, SymbolKind::Function | SymbolKind::IndirectFunction) {
                names
                    .entry(s.address)
                    .or_insert_with(|| s.name_lossy().into_owned());
            }
        }
        Ok(Program {
            binary,
            lifter,
            insns: RefCell::new(HashMap::new()),
            functions: RefCell::new(HashMap::new()),
            liveness: RefCell::new(HashMap::new()),
            names,
            in_progress: RefCell::new(Vec::new()),
        })
    }

    pub fn binary(&self) -> &'b Binary<'b> {
        self.binary
    }

    pub fn desc(&self) -> &'static MachineDesc {
        self.lifter.desc()
    }

    pub fn lifter(&self) -> &X86_64 {
        &self.lifter
    }

    pub fn entry(&self) -> u64 {
        self.binary.entry()
    }

    /// The lifted instruction at `addr`, from the cache or lifted now.
    pub fn insn(&self, addr: u64) -> Result<Rc<Insn>, CfgError> {
        if let Some(i) = self.insns.borrow().get(&addr) {
            return Ok(i.clone());
        }
        match self.binary.perms_at(addr) {
            Some(p) if p.execute => {}
            _ => return Err(CfgError::NotExecutable { addr }),
        }
        // An instruction is at most 15 bytes; near the end of a segment fewer are there.
        let mut bytes = None;
        for len in (1..=15u64).rev() {
            if let Some(b) = self.binary.read(addr, len) {
                bytes = Some(b);
                break;
            }
        }
        let bytes = bytes.ok_or(CfgError::NotExecutable { addr })?;
        let insn = self
            .lifter
            .lift(&bytes, addr)
            .map_err(|_| CfgError::Undecodable { addr })?;
        let insn = Rc::new(insn);
        self.insns.borrow_mut().insert(addr, insn.clone());
        Ok(insn)
    }

    /// The name of the function symbol starting at `addr`.
    pub fn function_name(&self, addr: u64) -> Option<&str> {
        self.names.get(&addr).map(String::as_str)
    }

    /// Whether `addr` starts a function: a function symbol, the entry point, or an import's
    /// PLT entry.
    pub fn is_function_start(&self, addr: u64) -> bool {
        self.names.contains_key(&addr)
            || addr == self.entry()
            || self.binary.import_at(addr).is_some()
    }

    /// The imported function a PLT entry at `addr` calls.
    pub fn import_name(&self, addr: u64) -> Option<String> {
        self.binary
            .import_at(addr)
            .map(|i| String::from_utf8_lossy(i.name).into_owned())
    }

    /// The function starting at `entry`, discovered on first use.
    pub fn function(&self, entry: u64) -> Rc<Function> {
        if let Some(f) = self.functions.borrow().get(&entry) {
            return f.clone();
        }
        self.in_progress.borrow_mut().push(entry);
        let f = Rc::new(discover::discover(self, entry));
        self.in_progress.borrow_mut().retain(|e| *e != entry);
        self.functions.borrow_mut().insert(entry, f.clone());
        f
    }

    /// Register liveness in the function starting at `entry`, computed on first use.
    pub fn liveness(&self, entry: u64) -> Rc<Liveness> {
        if let Some(l) = self.liveness.borrow().get(&entry) {
            return l.clone();
        }
        let f = self.function(entry);
        let l = Rc::new(Liveness::compute(self, &f));
        self.liveness.borrow_mut().insert(entry, l.clone());
        l
    }

    /// Whether a call to `target` can return to its return site. Unknown targets, and
    /// functions whose discovery is under way (recursion), are assumed to return.
    pub fn may_return(&self, target: u64) -> bool {
        let name = self
            .function_name(target)
            .map(str::to_string)
            .or_else(|| self.import_name(target));
        if let Some(n) = name
            && NO_RETURN_NAMES.contains(&n.as_str())
        {
            return false;
        }
        if self.binary.import_at(target).is_some() {
            return true;
        }
        if self.in_progress.borrow().contains(&target) {
            return true;
        }
        match self.binary.perms_at(target) {
            Some(p) if p.execute => self.function(target).may_return,
            _ => true,
        }
    }
}
