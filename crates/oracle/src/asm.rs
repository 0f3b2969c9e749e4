//! Assembling instances with the GNU assembler and cutting the object into instructions.

use std::path::PathBuf;
use std::process::Command;
use std::sync::atomic::{AtomicU64, Ordering};

use tandem_loader::Binary;

#[derive(Debug, thiserror::Error)]
pub enum AsmError {
    #[error("cannot run the assembler `{cmd}`: {source} (install binutils)")]
    Spawn { cmd: String, source: std::io::Error },
    #[error("the assembler rejected some forms:\n{0}")]
    Rejected(String),
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("cannot read the assembled object: {0}")]
    Object(String),
}

fn scratch_dir() -> Result<PathBuf, std::io::Error> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let dir = std::env::temp_dir().join(format!(
        "tandem-oracle-{}-{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}

/// Assembles one instruction per line (x86-64, Intel syntax) and returns the bytes of each.
/// `lines[i]` must be a single instruction.
pub fn assemble_x86_64(lines: &[String]) -> Result<Vec<Vec<u8>>, AsmError> {
    let dir = scratch_dir()?;
    let src = dir.join("forms.s");
    let obj = dir.join("forms.o");
    let mut text = String::from(".intel_syntax noprefix\n.text\n");
    for (i, l) in lines.iter().enumerate() {
        text.push_str(&format!("i{i}:\n{l}\n"));
    }
    text.push_str(&format!("i{}:\n", lines.len()));
    std::fs::write(&src, &text)?;
    let out = Command::new("as")
        .arg("--64")
        .arg("-o")
        .arg(&obj)
        .arg(&src)
        .output()
        .map_err(|source| AsmError::Spawn {
            cmd: "as".into(),
            source,
        })?;
    if !out.status.success() {
        let _ = std::fs::remove_dir_all(&dir);
        return Err(AsmError::Rejected(
            String::from_utf8_lossy(&out.stderr).into_owned(),
        ));
    }
    let data = std::fs::read(&obj)?;
    let _ = std::fs::remove_dir_all(&dir);
    let bin = Binary::parse(&data).map_err(|e| AsmError::Object(e.to_string()))?;
    let textsec = bin
        .section_by_name(".text")
        .ok_or_else(|| AsmError::Object("no .text".into()))?;
    let mut offsets = vec![None; lines.len() + 1];
    for s in bin.symbols() {
        if let Some(n) = s
            .name_str()
            .and_then(|n| n.strip_prefix('i'))
            .and_then(|n| n.parse::<usize>().ok())
            && let Some(slot) = offsets.get_mut(n)
        {
            *slot = Some(s.address as usize);
        }
    }
    let mut out = Vec::with_capacity(lines.len());
    for i in 0..lines.len() {
        let (Some(a), Some(b)) = (offsets[i], offsets[i + 1]) else {
            return Err(AsmError::Object(format!("label i{i} missing")));
        };
        let bytes = textsec
            .data
            .get(a..b)
            .ok_or_else(|| AsmError::Object(format!("label i{i} out of range")))?;
        out.push(bytes.to_vec());
    }
    Ok(out)
}
