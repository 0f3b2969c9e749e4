//! Symbols from `.symtab` and `.dynsym`, merged, and the indexes that look them up.

use std::borrow::Cow;
use std::cmp::Ordering;

/// What a symbol names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SymbolKind {
    /// Code (`STT_FUNC`).
    Function,
    /// An indirect function (`STT_GNU_IFUNC`): the address is that of a resolver that returns
    /// the real implementation.
    IndirectFunction,
    /// Data (`STT_OBJECT`, `STT_COMMON`).
    Object,
    /// Thread-local data (`STT_TLS`); the address is an offset in the TLS block.
    Tls,
    /// Anything else (`STT_NOTYPE`, processor-specific types).
    Other,
}

/// Linkage of a symbol.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Binding {
    /// Visible only inside its object file (`STB_LOCAL`).
    Local,
    /// Visible everywhere (`STB_GLOBAL`, `STB_GNU_UNIQUE`).
    Global,
    /// Global, but may be overridden or absent (`STB_WEAK`).
    Weak,
    /// A binding tandem does not interpret (the raw `st_bind` value).
    Other(u8),
}

/// A symbol, from `.symtab`, `.dynsym` or both.
///
/// Section symbols, file symbols, mapping symbols (`$a`, `$d`, `$t`, `$x`) and unnamed symbols are
/// not listed.
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Symbol<'data> {
    /// The name without a version suffix: `puts`, not `puts@GLIBC_2.2.5`. Exactly the bytes of
    /// the string table; not necessarily UTF-8.
    pub name: &'data [u8],
    /// The symbol version (`GLIBC_2.2.5`), from a `name@VERSION` suffix in `.symtab` or from the
    /// GNU version tables for `.dynsym`.
    pub version: Option<&'data [u8]>,
    /// The address. For ARM Thumb functions bit 0 is cleared (see [`Symbol::thumb`]).
    /// For an undefined symbol this is usually 0 (a non-zero value is the canonical PLT address
    /// of a function whose address is taken in a non-PIC executable).
    pub address: u64,
    /// Size in bytes (0 when unknown).
    pub size: u64,
    /// What the symbol names.
    pub kind: SymbolKind,
    /// Linkage.
    pub binding: Binding,
    /// Defined in this file (`st_shndx != SHN_UNDEF`).
    pub defined: bool,
    /// Index of the section that holds the symbol, when it is in an ordinary section.
    pub section: Option<usize>,
    /// An ARM function in Thumb state: the ELF value had bit 0 set.
    pub thumb: bool,
    /// Present in `.symtab`.
    pub in_symtab: bool,
    /// Present in `.dynsym` (exported or imported).
    pub in_dynsym: bool,
}

impl std::fmt::Debug for Symbol<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Symbol")
            .field("name", &self.name_lossy())
            .field("version", &self.version.map(String::from_utf8_lossy))
            .field("address", &format_args!("{:#x}", self.address))
            .field("size", &self.size)
            .field("kind", &self.kind)
            .field("binding", &self.binding)
            .field("defined", &self.defined)
            .field("section", &self.section)
            .field("thumb", &self.thumb)
            .field("in_symtab", &self.in_symtab)
            .field("in_dynsym", &self.in_dynsym)
            .finish()
    }
}

impl<'data> Symbol<'data> {
    /// The name for display (invalid UTF-8 replaced).
    pub fn name_lossy(&self) -> Cow<'data, str> {
        String::from_utf8_lossy(self.name)
    }

    /// The name when it is valid UTF-8.
    pub fn name_str(&self) -> Option<&'data str> {
        std::str::from_utf8(self.name).ok()
    }

    /// Whether the symbol is a function (direct or indirect).
    pub fn is_function(&self) -> bool {
        matches!(
            self.kind,
            SymbolKind::Function | SymbolKind::IndirectFunction
        )
    }

    /// Whether `addr` lies in `address .. address + size`; a symbol of size 0 contains only its
    /// own address.
    pub fn contains(&self, addr: u64) -> bool {
        if self.size == 0 {
            return addr == self.address;
        }
        addr >= self.address && addr - self.address < self.size
    }

    /// Preference when several symbols share a name: defined functions first, then other
    /// defined symbols, global before weak before local, then undefined ones.
    fn rank(&self) -> u8 {
        let binding = match self.binding {
            Binding::Global => 0,
            Binding::Weak => 1,
            Binding::Other(_) => 2,
            Binding::Local => 3,
        };
        match (self.defined, self.is_function()) {
            (true, true) => binding,
            (true, false) => 4 + binding,
            (false, _) => 8 + binding,
        }
    }
}

/// The merged symbol list and its lookup indexes.
#[derive(Debug, Clone, Default)]
pub(crate) struct Symbols<'data> {
    /// Sorted by address, then name.
    pub(crate) list: Vec<Symbol<'data>>,
    /// Indexes into `list`, sorted by name, then preference.
    by_name: Vec<usize>,
    /// Indexes of defined symbols, sorted by address, then size (largest first).
    by_address: Vec<usize>,
    /// The largest size of a defined symbol, which bounds the backwards scan of
    /// `containing`.
    max_size: u64,
}

impl<'data> Symbols<'data> {
    /// Merges the symbols of `.symtab` and `.dynsym` (an entry present in both, with the same
    /// name, address and definedness, is listed once) and builds the indexes.
    pub(crate) fn new(symtab: Vec<Symbol<'data>>, dynsym: Vec<Symbol<'data>>) -> Self {
        let mut list = symtab;
        list.sort_by(order);
        let mut extra = Vec::new();
        for symbol in dynsym {
            let found = list.binary_search_by(|probe| {
                (probe.address, probe.name, probe.defined).cmp(&(
                    symbol.address,
                    symbol.name,
                    symbol.defined,
                ))
            });
            // `list` is sorted by `order`, whose leading key is the one searched for.
            match found.ok().and_then(|at| list.get_mut(at)) {
                Some(existing) => {
                    existing.in_dynsym = true;
                    if existing.version.is_none() {
                        existing.version = symbol.version;
                    }
                }
                None => extra.push(symbol),
            }
        }
        list.extend(extra);
        list.sort_by(order);
        // Two `.dynsym` entries can be equal too (a malformed file); keep one.
        list.dedup_by(|b, a| order(a, b) == Ordering::Equal);

        let mut by_name: Vec<usize> = (0..list.len()).collect();
        by_name.sort_by(|&a, &b| match (list.get(a), list.get(b)) {
            (Some(x), Some(y)) => x
                .name
                .cmp(y.name)
                .then(x.rank().cmp(&y.rank()))
                .then(a.cmp(&b)),
            _ => a.cmp(&b),
        });
        let mut by_address: Vec<usize> = (0..list.len())
            .filter(|&i| list.get(i).is_some_and(|s| s.defined))
            .collect();
        by_address.sort_by(|&a, &b| match (list.get(a), list.get(b)) {
            (Some(x), Some(y)) => x
                .address
                .cmp(&y.address)
                .then(y.size.cmp(&x.size))
                .then(x.rank().cmp(&y.rank()))
                .then(a.cmp(&b)),
            _ => a.cmp(&b),
        });
        let max_size = by_address
            .iter()
            .filter_map(|&i| list.get(i))
            .map(|s| s.size)
            .max()
            .unwrap_or(0);
        Symbols {
            list,
            by_name,
            by_address,
            max_size,
        }
    }

    /// The preferred symbol called `name`.
    pub(crate) fn by_name(&self, name: &[u8]) -> Option<&Symbol<'data>> {
        let at = self
            .by_name
            .partition_point(|&i| self.list.get(i).is_some_and(|s| s.name < name));
        let symbol = self.list.get(*self.by_name.get(at)?)?;
        (symbol.name == name).then_some(symbol)
    }

    /// Every symbol called `name`, best first.
    pub(crate) fn all_by_name<'a>(
        &'a self,
        name: &'a [u8],
    ) -> impl Iterator<Item = &'a Symbol<'data>> + 'a {
        let at = self
            .by_name
            .partition_point(|&i| self.list.get(i).is_some_and(|s| s.name < name));
        self.by_name
            .get(at..)
            .unwrap_or(&[])
            .iter()
            .filter_map(|&i| self.list.get(i))
            .take_while(move |s| s.name == name)
    }

    /// The defined symbol that contains `addr`, preferring functions, then the innermost
    /// (smallest) symbol.
    pub(crate) fn containing(&self, addr: u64) -> Option<&Symbol<'data>> {
        let end = self
            .by_address
            .partition_point(|&i| self.list.get(i).is_some_and(|s| s.address <= addr));
        let lowest = addr.saturating_sub(self.max_size);
        let mut best: Option<&Symbol<'data>> = None;
        for &i in self.by_address.get(..end).unwrap_or(&[]).iter().rev() {
            let Some(symbol) = self.list.get(i) else {
                continue;
            };
            if symbol.address < lowest {
                break;
            }
            if !symbol.contains(addr) {
                continue;
            }
            best = match best {
                None => Some(symbol),
                Some(current) => {
                    let better = (!symbol.is_function(), symbol.size, symbol.rank())
                        < (!current.is_function(), current.size, current.rank());
                    Some(if better { symbol } else { current })
                }
            };
        }
        best
    }

    /// Defined functions sorted by address; aliases (several names for one address) are all
    /// listed.
    pub(crate) fn functions(&self) -> impl Iterator<Item = &Symbol<'data>> + '_ {
        self.by_address
            .iter()
            .filter_map(|&i| self.list.get(i))
            .filter(|s| s.is_function())
    }
}

/// Splits `name@VERSION` or `name@@VERSION` as written in `.symtab` by GNU ld.
pub(crate) fn split_version(raw: &[u8]) -> (&[u8], Option<&[u8]>) {
    match raw.iter().position(|&b| b == b'@') {
        // A leading `@` is part of the name, not a version separator.
        Some(at) if at > 0 => {
            let name = raw.get(..at).unwrap_or(raw);
            let rest = raw.get(at + 1..).unwrap_or(&[]);
            let version = rest.strip_prefix(b"@").unwrap_or(rest);
            (name, Some(version))
        }
        _ => (raw, None),
    }
}

/// Whether `name` is an ARM, AArch64 or RISC-V mapping symbol (`$a`, `$d`, `$t`, `$x`, possibly
/// followed by `.suffix`), which marks the kind of bytes that follow rather than naming anything.
pub(crate) fn is_mapping_symbol(name: &[u8]) -> bool {
    match name {
        [b'$', kind, rest @ ..] => {
            matches!(kind, b'a' | b'd' | b't' | b'x')
                && (rest.is_empty() || rest.first() == Some(&b'.'))
        }
        _ => false,
    }
}

fn order(a: &Symbol<'_>, b: &Symbol<'_>) -> Ordering {
    (a.address, a.name, a.defined)
        .cmp(&(b.address, b.name, b.defined))
        .then(a.rank().cmp(&b.rank()))
        .then(a.size.cmp(&b.size))
        .then(a.version.cmp(&b.version))
        .then(a.in_symtab.cmp(&b.in_symtab))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sym(name: &'static str, address: u64, size: u64, kind: SymbolKind) -> Symbol<'static> {
        Symbol {
            name: name.as_bytes(),
            version: None,
            address,
            size,
            kind,
            binding: Binding::Global,
            defined: true,
            section: Some(1),
            thumb: false,
            in_symtab: true,
            in_dynsym: false,
        }
    }

    #[test]
    fn versions_split() {
        assert_eq!(
            split_version(b"puts@GLIBC_2.2.5"),
            (&b"puts"[..], Some(&b"GLIBC_2.2.5"[..]))
        );
        assert_eq!(split_version(b"foo@@V2"), (&b"foo"[..], Some(&b"V2"[..])));
        assert_eq!(split_version(b"plain"), (&b"plain"[..], None));
        assert_eq!(split_version(b"@odd"), (&b"@odd"[..], None));
        assert_eq!(split_version(b"x@"), (&b"x"[..], Some(&b""[..])));
    }

    #[test]
    fn mapping_symbols() {
        assert!(is_mapping_symbol(b"$x"));
        assert!(is_mapping_symbol(b"$d.42"));
        assert!(!is_mapping_symbol(b"$foo"));
        assert!(!is_mapping_symbol(b"x"));
    }

    #[test]
    fn merges_and_looks_up() {
        let mut undefined = sym("puts", 0, 0, SymbolKind::Function);
        undefined.defined = false;
        undefined.section = None;
        let mut dyn_puts = undefined.clone();
        dyn_puts.in_symtab = false;
        dyn_puts.in_dynsym = true;
        dyn_puts.version = Some(b"GLIBC_2.2.5");
        let mut local_puts = sym("puts", 0x500, 4, SymbolKind::Object);
        local_puts.binding = Binding::Local;
        let symbols = Symbols::new(
            vec![
                sym("main", 0x1000, 0x40, SymbolKind::Function),
                sym("inner", 0x1010, 0x8, SymbolKind::Function),
                sym("table", 0x1010, 0x100, SymbolKind::Object),
                undefined,
                local_puts,
            ],
            vec![dyn_puts, sym("main", 0x1000, 0x40, SymbolKind::Function)],
        );
        assert_eq!(symbols.list.len(), 5);
        let puts = symbols.by_name(b"puts").map(|s| s.address);
        assert_eq!(
            puts,
            Some(0x500),
            "a defined symbol wins over an undefined one"
        );
        let undefined_puts = symbols
            .all_by_name(b"puts")
            .find(|s| !s.defined)
            .map(|s| (s.in_symtab, s.in_dynsym, s.version));
        assert_eq!(
            undefined_puts,
            Some((true, true, Some(&b"GLIBC_2.2.5"[..])))
        );
        assert!(symbols.by_name(b"mai").is_none());
        assert!(symbols.by_name(b"main").is_some_and(|s| s.in_dynsym));
        let name_at = |addr| symbols.containing(addr).map(|s| s.name);
        assert_eq!(name_at(0x1000), Some(&b"main"[..]));
        assert_eq!(name_at(0x1012), Some(&b"inner"[..]));
        assert_eq!(name_at(0x1020), Some(&b"main"[..]), "functions before data");
        assert_eq!(name_at(0x1050), Some(&b"table"[..]));
        assert_eq!(name_at(0x2000), None);
        assert_eq!(name_at(0), None);
        let functions: Vec<_> = symbols.functions().map(|s| s.name).collect();
        assert_eq!(functions, vec![&b"main"[..], &b"inner"[..]]);
    }
}
