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

/// A memory operand as generated, so a state can aim it at a window.
#[derive(Clone, Debug)]
pub struct MemSpec {
    pub base: Option<tandem_ir::Reg>,
    pub index: Option<tandem_ir::Reg>,
    pub scale: u64,
    pub disp: i64,
    pub segment: Option<tandem_ir::Reg>,
    /// Program-counter relative: inside the window after the code page by construction.
    pub rip: bool,
    /// Access size in bytes.
    pub size: u64,
}

/// One concrete instruction generated from a form.
#[derive(Clone, Debug)]
pub struct Instance {
    pub form: usize,
    pub text: String,
    pub mems: Vec<MemSpec>,
    pub presets: Vec<(tandem_ir::Reg, Preset)>,
}

/// A register value a form asks for in every state.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Preset {
    /// A pointer into the middle of the data window.
    Data,
    /// 0..=6.
    Small,
    Zero,
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
