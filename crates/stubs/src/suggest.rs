//! "Did you mean ...?": the closest known name to a misspelt one.

/// Well-known names from C and other tools, and what they are called here.
const ALIASES: &[(&str, &str)] = &[
    // Types.
    ("int", "i32"),
    ("uint", "u32"),
    ("char", "u8"),
    ("uchar", "u8"),
    ("short", "i16"),
    ("long", "i64"),
    ("size_t", "u64"),
    ("ssize_t", "i64"),
    ("usize", "u64"),
    ("isize", "i64"),
    ("off_t", "i64"),
    ("pointer", "ptr"),
    ("boolean", "bool"),
    ("uint8_t", "u8"),
    ("uint16_t", "u16"),
    ("uint32_t", "u32"),
    ("uint64_t", "u64"),
    ("int8_t", "i8"),
    ("int16_t", "i16"),
    ("int32_t", "i32"),
    ("int64_t", "i64"),
    // Functions.
    ("strlen", "cstring_length"),
    ("strnlen", "cstring_length"),
    ("read_memory", "load"),
    // Architectures.
    ("amd64", "x86_64"),
    ("x64", "x86_64"),
    ("x86-64", "x86_64"),
    ("arm64", "aarch64"),
    ("i386", "x86"),
    ("i686", "x86"),
    ("powerpc", "ppc"),
    ("powerpc64", "ppc64"),
    ("riscv", "riscv64"),
];

/// The candidate closest to `name`, if one is close enough to be a likely typo, or the
/// well-known equivalent of `name` when it is a candidate.
pub(crate) fn closest<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    let candidates: Vec<&str> = candidates.into_iter().collect();
    if let Some((_, target)) = ALIASES
        .iter()
        .find(|(alias, target)| *alias == name && candidates.contains(target))
    {
        return Some((*target).to_string());
    }
    let limit = (name.chars().count() / 3).max(1);
    candidates
        .into_iter()
        .filter(|c| *c != name)
        .map(|c| (distance(name, c), !same_letters(name, c), c))
        .filter(|(d, _, _)| *d <= limit)
        .min()
        .map(|(_, _, c)| c.to_string())
}

/// "did you mean `x`?" for the closest candidate.
pub(crate) fn did_you_mean<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    closest(name, candidates).map(|c| format!("did you mean `{c}`?"))
}

/// The edit distance between two strings in characters, counting an exchange of two
/// neighbours as one edit (optimal string alignment).
fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let width = b.len() + 1;
    let mut d = vec![0usize; (a.len() + 1) * width];
    for i in 0..=a.len() {
        d[i * width] = i;
    }
    for (j, cell) in d.iter_mut().take(width).enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (d[(i - 1) * width + j] + 1)
                .min(d[i * width + j - 1] + 1)
                .min(d[(i - 1) * width + j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(d[(i - 2) * width + j - 2] + 1);
            }
            d[i * width + j] = best;
        }
    }
    d[a.len() * width + b.len()]
}

/// Whether two strings have the same characters (a likely swap).
fn same_letters(a: &str, b: &str) -> bool {
    let mut a: Vec<char> = a.chars().collect();
    let mut b: Vec<char> = b.chars().collect();
    a.sort_unstable();
    b.sort_unstable();
    a == b
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions() {
        let types = [
            "u8", "u16", "u32", "u64", "i8", "i16", "i32", "i64", "bool", "ptr",
        ];
        assert_eq!(closest("u46", types).as_deref(), Some("u64"));
        assert_eq!(closest("int", types).as_deref(), Some("i32"));
        assert_eq!(closest("size_t", types).as_deref(), Some("u64"));
        assert_eq!(closest("float", types), None);
        assert_eq!(
            closest("strlen", ["cstring_length", "min"]).as_deref(),
            Some("cstring_length")
        );
        assert_eq!(distance("kitten", "sitting"), 3);
        assert_eq!(distance("u46", "u64"), 1);
        assert_eq!(distance("", "abc"), 3);
    }
}
