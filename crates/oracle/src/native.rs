//! The real x86-64 CPU as an oracle: a traced child process executes one instruction at a time.
//!
//! The child maps the code page and the data windows at fixed addresses and stops itself; from
//! then on it never runs its own code again. For each case the parent writes the instruction
//! and the window contents with `process_vm_writev`, sets every register with
//! `PTRACE_SETREGS`/`PTRACE_SETFPREGS`, single-steps once (`PTRACE_SINGLESTEP`: one
//! instruction, or one iteration of a `rep` string instruction), and reads everything back. A
//! fault arrives as the signal it would kill the process with, and is suppressed before the
//! next case.

use std::io;

use crate::machine::{Stop, WINDOWS, Window};

/// Where the instruction under test is placed: the start of the `code` window.
pub const CODE_ADDR: u64 = 0x1000_0000;

#[derive(Debug, thiserror::Error)]
pub enum NativeError {
    #[error("{what}: {source}")]
    Sys {
        what: &'static str,
        source: io::Error,
    },
    #[error("the traced child stopped unexpectedly (wait status {0:#x})")]
    Unexpected(i32),
}

fn sys(what: &'static str) -> NativeError {
    NativeError::Sys {
        what,
        source: io::Error::last_os_error(),
    }
}

/// How to run the instruction.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum StepMode {
    /// `PTRACE_SINGLESTEP`: exactly one instruction (or one `rep` iteration), whatever it does
    /// to control flow. The trap flag is set while it runs, which `pushf` would observe.
    Single,
    /// Continue into the `int3` placed after the instruction: for straight-line instructions,
    /// which then run with the flags exactly as given.
    ToBreakpoint,
}

/// A traced child process ready to execute single instructions.
pub struct NativeCpu {
    pid: libc::pid_t,
    regs: libc::user_regs_struct,
    fpregs: libc::user_fpregs_struct,
}

impl std::fmt::Debug for NativeCpu {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "NativeCpu(pid {})", self.pid)
    }
}

/// The full register state as ptrace sees it.
#[derive(Clone)]
pub struct CpuRegs {
    pub gpr: libc::user_regs_struct,
    pub fp: libc::user_fpregs_struct,
}

impl NativeCpu {
    pub fn spawn() -> Result<NativeCpu, NativeError> {
        // SAFETY: after fork the child calls only async-signal-safe functions (ptrace, mmap,
        // raise, _exit) and never returns into Rust code that could touch shared state.
        let pid = unsafe { libc::fork() };
        if pid < 0 {
            return Err(sys("fork"));
        }
        if pid == 0 {
            unsafe { child() }
        }
        let mut status = 0;
        // SAFETY: plain system calls on our own child.
        unsafe {
            if libc::waitpid(pid, &mut status, 0) < 0 {
                return Err(sys("waitpid"));
            }
            if !libc::WIFSTOPPED(status) {
                return Err(NativeError::Unexpected(status));
            }
            libc::ptrace(
                libc::PTRACE_SETOPTIONS,
                pid,
                0,
                libc::PTRACE_O_EXITKILL as usize,
            );
        }
        let mut cpu = NativeCpu {
            pid,
            // SAFETY: both are plain-data C structs for which all-zero is a valid value.
            regs: unsafe { std::mem::zeroed() },
            fpregs: unsafe { std::mem::zeroed() },
        };
        cpu.regs = cpu.get_regs()?;
        cpu.fpregs = cpu.get_fpregs()?;
        Ok(cpu)
    }

    /// The register state of the stopped child, a template for cases.
    pub fn baseline(&self) -> CpuRegs {
        CpuRegs {
            gpr: self.regs,
            fp: self.fpregs,
        }
    }

    fn get_regs(&self) -> Result<libc::user_regs_struct, NativeError> {
        // SAFETY: PTRACE_GETREGS fills a user_regs_struct.
        unsafe {
            let mut r: libc::user_regs_struct = std::mem::zeroed();
            if libc::ptrace(libc::PTRACE_GETREGS, self.pid, 0, &mut r as *mut _) < 0 {
                return Err(sys("PTRACE_GETREGS"));
            }
            Ok(r)
        }
    }

    fn get_fpregs(&self) -> Result<libc::user_fpregs_struct, NativeError> {
        // SAFETY: PTRACE_GETFPREGS fills a user_fpregs_struct.
        unsafe {
            let mut r: libc::user_fpregs_struct = std::mem::zeroed();
            if libc::ptrace(libc::PTRACE_GETFPREGS, self.pid, 0, &mut r as *mut _) < 0 {
                return Err(sys("PTRACE_GETFPREGS"));
            }
            Ok(r)
        }
    }

    fn write_mem(&self, addr: u64, data: &[u8]) -> Result<(), NativeError> {
        let local = libc::iovec {
            iov_base: data.as_ptr() as *mut libc::c_void,
            iov_len: data.len(),
        };
        let remote = libc::iovec {
            iov_base: addr as *mut libc::c_void,
            iov_len: data.len(),
        };
        // SAFETY: the local buffer is valid for reads of its length.
        let n = unsafe { libc::process_vm_writev(self.pid, &local, 1, &remote, 1, 0) };
        if n != data.len() as isize {
            return Err(sys("process_vm_writev"));
        }
        Ok(())
    }

    fn read_mem(&self, addr: u64, data: &mut [u8]) -> Result<(), NativeError> {
        let local = libc::iovec {
            iov_base: data.as_mut_ptr() as *mut libc::c_void,
            iov_len: data.len(),
        };
        let remote = libc::iovec {
            iov_base: addr as *mut libc::c_void,
            iov_len: data.len(),
        };
        // SAFETY: the local buffer is valid for writes of its length.
        let n = unsafe { libc::process_vm_readv(self.pid, &local, 1, &remote, 1, 0) };
        if n != data.len() as isize {
            return Err(sys("process_vm_readv"));
        }
        Ok(())
    }

    /// Executes the instruction of `len` bytes at [`CODE_ADDR`] from `regs` with the windows
    /// holding `memory` (one buffer per window, in [`WINDOWS`] order; the `code` window holds
    /// the instruction followed by `int3` bytes).
    pub fn step(
        &mut self,
        len: usize,
        regs: &CpuRegs,
        memory: &[Vec<u8>],
        mode: StepMode,
    ) -> Result<(CpuRegs, Vec<Vec<u8>>, Stop), NativeError> {
        for (w, bytes) in WINDOWS.iter().zip(memory) {
            self.write_mem(w.base, bytes)?;
        }
        let mut gpr = regs.gpr;
        gpr.rip = CODE_ADDR;
        let mut fp = regs.fp;
        // SAFETY: ptrace on our stopped child with valid register structs.
        unsafe {
            if libc::ptrace(libc::PTRACE_SETREGS, self.pid, 0, &gpr as *const _) < 0 {
                return Err(sys("PTRACE_SETREGS"));
            }
            if libc::ptrace(libc::PTRACE_SETFPREGS, self.pid, 0, &mut fp as *mut _) < 0 {
                return Err(sys("PTRACE_SETFPREGS"));
            }
            let request = match mode {
                StepMode::Single => libc::PTRACE_SINGLESTEP,
                StepMode::ToBreakpoint => libc::PTRACE_CONT,
            };
            if libc::ptrace(request, self.pid, 0, 0) < 0 {
                return Err(sys("PTRACE_SINGLESTEP"));
            }
        }
        let mut status = 0;
        // SAFETY: waiting for our own child.
        if unsafe { libc::waitpid(self.pid, &mut status, 0) } < 0 {
            return Err(sys("waitpid"));
        }
        if !libc::WIFSTOPPED(status) {
            return Err(NativeError::Unexpected(status));
        }
        let sig = libc::WSTOPSIG(status);
        // SAFETY: PTRACE_GETSIGINFO fills a siginfo_t for a stopped child.
        let info = unsafe {
            let mut info: libc::siginfo_t = std::mem::zeroed();
            if libc::ptrace(libc::PTRACE_GETSIGINFO, self.pid, 0, &mut info as *mut _) < 0 {
                return Err(sys("PTRACE_GETSIGINFO"));
            }
            info
        };
        const TRAP_TRACE: i32 = 2;
        const SI_KERNEL: i32 = 0x80;
        let stop = match sig {
            libc::SIGTRAP if info.si_code == TRAP_TRACE => Stop::Stepped,
            libc::SIGTRAP => Stop::Breakpoint,
            libc::SIGFPE => Stop::DivideError,
            libc::SIGILL => Stop::InvalidOpcode,
            libc::SIGSEGV if info.si_code == SI_KERNEL => Stop::GeneralProtection,
            // SAFETY: si_addr is valid for SIGSEGV.
            libc::SIGSEGV => Stop::PageFault(unsafe { info.si_addr() } as u64),
            libc::SIGBUS => Stop::GeneralProtection,
            other => Stop::Signal(other),
        };
        let mut after = CpuRegs {
            gpr: self.get_regs()?,
            fp: self.get_fpregs()?,
        };
        let mut stop = stop;
        let end = CODE_ADDR + len as u64;
        if mode == StepMode::ToBreakpoint && stop == Stop::Breakpoint && after.gpr.rip == end + 1 {
            // The int3 after the instruction: it completed.
            stop = Stop::Stepped;
            after.gpr.rip = end;
        }
        let mut out = Vec::with_capacity(WINDOWS.len());
        for w in WINDOWS {
            let mut buf = vec![0u8; w.size];
            self.read_mem(w.base, &mut buf)?;
            out.push(buf);
        }
        Ok((after, out, stop))
    }
}

impl Drop for NativeCpu {
    fn drop(&mut self) {
        // SAFETY: killing and reaping our own child.
        unsafe {
            libc::kill(self.pid, libc::SIGKILL);
            let mut status = 0;
            libc::waitpid(self.pid, &mut status, 0);
        }
    }
}

/// Runs in the forked child: become traceable, map the pages, stop for the parent.
unsafe fn child() -> ! {
    // SAFETY: only async-signal-safe system calls follow.
    unsafe {
        if libc::ptrace(libc::PTRACE_TRACEME, 0, 0, 0) < 0 {
            libc::_exit(101);
        }
        let map = |addr: u64, size: usize, prot: i32| {
            let p = libc::mmap(
                addr as *mut libc::c_void,
                size,
                prot,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_FIXED_NOREPLACE,
                -1,
                0,
            );
            p as u64 == addr
        };
        for Window { base, size, .. } in WINDOWS {
            let mut prot = libc::PROT_READ | libc::PROT_WRITE;
            if *base == CODE_ADDR {
                prot |= libc::PROT_EXEC;
            }
            if !map(*base, *size, prot) {
                libc::_exit(103);
            }
        }
        libc::raise(libc::SIGSTOP);
        libc::_exit(104);
    }
}
