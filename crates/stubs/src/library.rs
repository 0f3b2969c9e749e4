//! The library: checked stub files merged in load order, with lookups by name and number.

use std::collections::BTreeSet;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::check::Env;
use crate::checked::{Function, Global, Uninterpreted};
use crate::diagnostic::{Diagnostic, Error};
use crate::source::SourceFile;
use crate::types::Arch;

/// The stub files that ship with tandem, compiled into the binary: `(file name, text)`.
pub const BUILTIN_SOURCES: &[(&str, &str)] = &[(
    "stubs/linux-syscalls.tstub",
    include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../stubs/linux-syscalls.tstub"
    )),
)];

/// Why stub files could not be loaded.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LoadError {
    /// A file or folder could not be read.
    #[error("{}: {source}", path.display())]
    Io {
        /// The path.
        path: PathBuf,
        /// The error.
        source: std::io::Error,
    },
    /// The files have errors; every one of them is listed, in load order.
    #[error("{}", summary(.0))]
    Invalid(Vec<Diagnostic>),
}

fn summary(diagnostics: &[Diagnostic]) -> String {
    match diagnostics {
        [] => "invalid stub file".to_string(),
        [only] => only.one_line(),
        [first, rest @ ..] => format!(
            "{} (and {} more error{})",
            first.one_line(),
            rest.len(),
            if rest.len() == 1 { "" } else { "s" }
        ),
    }
}

/// Checked stub files merged into one set of globals, uninterpreted functions, system calls
/// and stubs.
///
/// Files are added in order. Each file is checked with the globals and uninterpreted functions
/// of the earlier files in scope (it may use them, or repeat their declarations exactly). A
/// syscall or stub replaces an earlier one of the same name; within one file, a name may be
/// defined once.
#[derive(Debug, Clone, Default)]
pub struct Library {
    files: Vec<Arc<SourceFile>>,
    env: Env,
    globals: Vec<Global>,
    uninterpreted: Vec<Uninterpreted>,
    syscalls: Vec<Function>,
    stubs: Vec<Function>,
}

impl Library {
    /// A library with no files.
    pub fn empty() -> Library {
        Library::default()
    }

    /// The built-in library ([`BUILTIN_SOURCES`]).
    pub fn builtin() -> Result<Library, Vec<Diagnostic>> {
        Library::from_sources(BUILTIN_SOURCES.iter().copied())
    }

    /// A library of in-memory files `(name, text)`, in order. All errors of all files are
    /// returned together.
    pub fn from_sources<'a>(
        sources: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<Library, Vec<Diagnostic>> {
        let mut library = Library::empty();
        let mut errors = Vec::new();
        for (name, text) in sources {
            if let Err(mut e) = library.add_source(name, text) {
                errors.append(&mut e);
            }
        }
        if errors.is_empty() {
            Ok(library)
        } else {
            Err(errors)
        }
    }

    /// A library of the files at `paths`, in order; a folder stands for its `*.tstub` files
    /// in name order.
    pub fn load(paths: &[impl AsRef<Path>]) -> Result<Library, LoadError> {
        let mut library = Library::empty();
        library.add_paths(paths)?;
        Ok(library)
    }

    /// The built-in library followed by the files at `paths` (`tandem --stubs PATH`).
    pub fn load_with_builtin(paths: &[impl AsRef<Path>]) -> Result<Library, LoadError> {
        let mut library = Library::builtin().map_err(LoadError::Invalid)?;
        library.add_paths(paths)?;
        Ok(library)
    }

    /// Adds the files at `paths` (folders stand for their `*.tstub` files in name order).
    pub fn add_paths(&mut self, paths: &[impl AsRef<Path>]) -> Result<(), LoadError> {
        let mut files = Vec::new();
        for path in paths {
            let path = path.as_ref();
            let io = |source| LoadError::Io {
                path: path.to_path_buf(),
                source,
            };
            if path.is_dir() {
                let mut entries: Vec<PathBuf> = std::fs::read_dir(path)
                    .map_err(io)?
                    .filter_map(|entry| entry.ok().map(|e| e.path()))
                    .filter(|p| p.extension().is_some_and(|e| e == "tstub") && p.is_file())
                    .collect();
                entries.sort();
                files.extend(entries);
            } else {
                files.push(path.to_path_buf());
            }
        }
        let mut errors = Vec::new();
        for path in files {
            let bytes = std::fs::read(&path).map_err(|source| LoadError::Io {
                path: path.clone(),
                source,
            })?;
            let text = String::from_utf8_lossy(&bytes);
            if let Err(mut e) = self.add_source(&path.display().to_string(), &text) {
                errors.append(&mut e);
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(LoadError::Invalid(errors))
        }
    }

    /// Checks one file against the library so far and merges it. On errors the file's
    /// functions are not added (its valid declarations are, so that later files do not
    /// report them as unknown).
    pub fn add_source(&mut self, name: &str, text: &str) -> Result<(), Vec<Diagnostic>> {
        let source = SourceFile::new(name, text);
        let (file, mut errors) = crate::check_source(&source, &self.env);
        self.files.push(source);
        for g in &file.globals {
            if !self.env.globals.contains_key(&g.name) {
                self.env.globals.insert(g.name.clone(), g.clone());
                self.globals.push(g.clone());
            }
        }
        for u in &file.uninterpreted {
            if !self.env.uninterpreted.contains_key(&u.name) {
                self.env.uninterpreted.insert(u.name.clone(), u.clone());
                self.uninterpreted.push(u.clone());
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        // Later syscalls replace earlier ones by name; their numbers must then be unique.
        let replaced: BTreeSet<&str> = file.syscalls.iter().map(|s| &*s.name).collect();
        for s in &file.syscalls {
            for n in &s.numbers {
                let clash = self
                    .syscalls
                    .iter()
                    .filter(|other| !replaced.contains(&*other.name))
                    .find_map(|other| {
                        other
                            .numbers
                            .iter()
                            .find(|m| m.arch == n.arch && m.number == n.number)
                            .map(|m| (other, m))
                    });
                if let Some((other, m)) = clash {
                    errors.push(
                        Diagnostic::new(
                            s.source.clone(),
                            n.span,
                            Error::DuplicateSyscallNumber {
                                arch: n.arch,
                                number: n.number,
                                other: other.name.to_string(),
                                first: other.source.position(m.span.start),
                            },
                        )
                        .with_hint(format!(
                            "to replace that syscall, name this one `{}`",
                            other.name
                        )),
                    );
                }
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        merge(&mut self.syscalls, file.syscalls);
        merge(&mut self.stubs, file.stubs);
        Ok(())
    }

    /// The files, in load order.
    pub fn files(&self) -> &[Arc<SourceFile>] {
        &self.files
    }

    /// Every ghost global, in declaration order.
    pub fn globals(&self) -> &[Global] {
        &self.globals
    }

    /// The ghost global of this name.
    pub fn global(&self, name: &str) -> Option<&Global> {
        self.env.globals.get(name)
    }

    /// Every uninterpreted function, in declaration order.
    pub fn uninterpreted(&self) -> &[Uninterpreted] {
        &self.uninterpreted
    }

    /// The uninterpreted function of this name.
    pub fn uninterpreted_function(&self, name: &str) -> Option<&Uninterpreted> {
        self.env.uninterpreted.get(name)
    }

    /// Every system call (the last definition of each name), in first-definition order.
    pub fn syscalls(&self) -> &[Function] {
        &self.syscalls
    }

    /// The system call of this name.
    pub fn syscall(&self, name: &str) -> Option<&Function> {
        self.syscalls.iter().find(|f| &*f.name == name)
    }

    /// The system call with this number on `arch`.
    pub fn syscall_by_number(&self, arch: Arch, number: u64) -> Option<&Function> {
        self.syscalls
            .iter()
            .find(|f| f.number(arch) == Some(number))
    }

    /// Every library-function stub (the last definition of each name), in first-definition
    /// order.
    pub fn stubs(&self) -> &[Function] {
        &self.stubs
    }

    /// The stub of the library function with this symbol name.
    pub fn stub(&self, name: &str) -> Option<&Function> {
        self.stubs.iter().find(|f| &*f.name == name)
    }
}

/// Adds `new` functions to `list`, each replacing the one of the same name.
fn merge(list: &mut Vec<Function>, new: Vec<Function>) {
    for f in new {
        match list.iter_mut().find(|g| g.name == f.name) {
            Some(slot) => *slot = f,
            None => list.push(f),
        }
    }
}

impl fmt::Display for Library {
    /// A summary: how many files and of each kind of item.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} file(s): {} global(s), {} uninterpreted function(s), {} syscall(s), {} stub(s)",
            self.files.len(),
            self.globals.len(),
            self.uninterpreted.len(),
            self.syscalls.len(),
            self.stubs.len()
        )
    }
}
