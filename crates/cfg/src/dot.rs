//! Graphviz output: a function's blocks clustered by CFAR.

use std::fmt::Write as _;

use crate::cfar::{Cfar, HeadKind};
use crate::discover::Function;

/// A `digraph` of `f`'s blocks, one cluster per CFAR (`prefix` keeps node names of several
/// functions apart in one file).
pub fn function_dot(f: &Function, cfars: &[Cfar], prefix: &str) -> String {
    let mut s = String::new();
    let name = f.name.clone().unwrap_or_else(|| format!("{:#x}", f.entry));
    let _ = writeln!(s, "  subgraph \"cluster_{prefix}_{name}\" {{");
    let _ = writeln!(s, "    label = \"{prefix}{name}\";");
    for (i, c) in cfars.iter().enumerate() {
        let kind = match c.kind {
            HeadKind::FunctionEntry => "entry",
            HeadKind::LoopHead => "loop head",
            HeadKind::ReturnSite => "return site",
        };
        let _ = writeln!(s, "    subgraph \"cluster_{prefix}_{:x}_{i}\" {{", f.entry);
        let _ = writeln!(
            s,
            "      label = \"CFAR {:#x} ({kind})\"; style = dashed;",
            c.head
        );
        for b in &c.blocks {
            let _ = writeln!(
                s,
                "      \"{prefix}{b:x}\" [label = \"{b:#x}\", shape = box];"
            );
        }
        let _ = writeln!(s, "    }}");
    }
    for b in f.blocks.values() {
        for t in b.term.successors() {
            let _ = writeln!(s, "    \"{prefix}{:x}\" -> \"{prefix}{t:x}\";", b.start);
        }
    }
    let _ = writeln!(s, "  }}");
    s
}
