//! What an oracle run looks like from outside the backend: the memory windows every case may
//! touch, and how an execution stopped.

/// A range of memory mapped (read-write) in the oracle and in the interpreter alike. Memory
/// operands of the instructions under test are steered into these windows.
#[derive(Clone, Copy, Debug)]
pub struct Window {
    pub name: &'static str,
    pub base: u64,
    pub size: usize,
}

pub const WINDOWS: &[Window] = &[
    // The instruction under test sits at the start of this page (followed by `int3`s); the
    // rest is data like any other window, since wild operands can reach it.
    Window {
        name: "code",
        base: 0x1000_0000,
        size: 0x1000,
    },
    // Right after the code page: rip-relative operands land here.
    Window {
        name: "rip",
        base: 0x1000_1000,
        size: 0x1000,
    },
    Window {
        name: "data",
        base: 0x2000_0000,
        size: 0x2000,
    },
    Window {
        name: "stack",
        base: 0x3000_0000,
        size: 0x2000,
    },
];

pub fn window(name: &str) -> &'static Window {
    WINDOWS
        .iter()
        .find(|w| w.name == name)
        .unwrap_or(&WINDOWS[2])
}

/// How one execution ended, as the machine reports it.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Stop {
    /// The instruction (or one iteration of it) completed.
    Stepped,
    Breakpoint,
    DivideError,
    InvalidOpcode,
    GeneralProtection,
    /// A page fault at this address.
    PageFault(u64),
    Signal(i32),
}
