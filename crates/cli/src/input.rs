//! Reading input files: every failure becomes one line naming the file and the problem.

use std::path::Path;

use tandem_loader::Binary;

use crate::InputError;

/// The bytes of an input file.
pub fn read_file(path: &Path) -> Result<Vec<u8>, InputError> {
    std::fs::read(path).map_err(|e| InputError(format!("{}: {}", path.display(), io_reason(&e))))
}

fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".to_string(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        std::io::ErrorKind::IsADirectory => "is a directory, not an ELF file".to_string(),
        _ => e.to_string(),
    }
}

/// Parses an ELF file, naming it in the error.
pub fn parse<'d>(path: &Path, data: &'d [u8]) -> Result<Binary<'d>, InputError> {
    Binary::parse(data).map_err(|e| InputError(format!("{}: {e}", path.display())))
}
