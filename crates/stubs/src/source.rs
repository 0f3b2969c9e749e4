//! Source files, byte spans and line/column locations.

use std::fmt;
use std::sync::Arc;

/// A half-open byte range `start .. end` in one source file.
///
/// Every node of the syntax tree and of the checked form carries one, so that a diagnostic or a
/// run-time report (a failing `assert`, say) can point at the exact text. Offsets always fall on
/// UTF-8 character boundaries of the file's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Span {
    /// The offset of the first byte.
    pub start: u32,
    /// The offset one past the last byte (equal to `start` for an empty span).
    pub end: u32,
}

impl Span {
    /// The span `start .. end`.
    pub fn new(start: u32, end: u32) -> Span {
        Span { start, end }
    }

    /// The smallest span that covers both `self` and `other`.
    pub fn to(self, other: Span) -> Span {
        Span {
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }

    /// The length in bytes.
    pub fn len(self) -> u32 {
        self.end.saturating_sub(self.start)
    }

    /// Whether the span covers no byte.
    pub fn is_empty(self) -> bool {
        self.len() == 0
    }
}

/// A 1-based line and column. The column counts characters (Unicode scalar values), not bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LineColumn {
    /// The line, starting at 1.
    pub line: u32,
    /// The column, starting at 1.
    pub column: u32,
}

impl fmt::Display for LineColumn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.column)
    }
}

/// A file of stub source text with its name, shared by everything that points into it.
#[derive(Debug, PartialEq, Eq)]
pub struct SourceFile {
    name: String,
    text: String,
    /// The byte offset at which each line starts; the first entry is 0.
    line_starts: Vec<u32>,
}

impl SourceFile {
    /// A source file named `name` (a path as the user wrote it, or a label such as `<builtin>`).
    ///
    /// Text longer than `u32::MAX` bytes is cut at the last character boundary below that size,
    /// so that every offset fits a [`Span`]; no stub file comes near it.
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Arc<SourceFile> {
        let mut text = text.into();
        if text.len() > u32::MAX as usize {
            let mut cut = u32::MAX as usize;
            while !text.is_char_boundary(cut) {
                cut -= 1;
            }
            text.truncate(cut);
        }
        let mut line_starts = vec![0];
        for (i, byte) in text.bytes().enumerate() {
            if byte == b'\n' {
                line_starts.push(to_u32(i + 1));
            }
        }
        Arc::new(SourceFile {
            name: name.into(),
            text,
            line_starts,
        })
    }

    /// The file's name as given to [`SourceFile::new`].
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The whole text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The text a span covers (empty if the span is not inside this file).
    pub fn slice(&self, span: Span) -> &str {
        self.text
            .get(span.start as usize..span.end as usize)
            .unwrap_or("")
    }

    /// The line and column of a byte offset. Offsets past the end map to the end of the file.
    pub fn line_column(&self, offset: u32) -> LineColumn {
        let offset = offset.min(to_u32(self.text.len()));
        let line_index = match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        };
        let line_start = self.line_starts.get(line_index).copied().unwrap_or(0);
        let column = self
            .text
            .get(line_start as usize..offset as usize)
            .map_or(0, |s| s.chars().count());
        LineColumn {
            line: to_u32(line_index + 1),
            column: to_u32(column + 1),
        }
    }

    /// The text of the 1-based line `line`, without its line break.
    pub fn line_text(&self, line: u32) -> &str {
        let Some(index) = (line as usize).checked_sub(1) else {
            return "";
        };
        let Some(&start) = self.line_starts.get(index) else {
            return "";
        };
        let end = self
            .line_starts
            .get(index + 1)
            .map_or(self.text.len(), |&next| next as usize);
        self.text
            .get(start as usize..end)
            .unwrap_or("")
            .trim_end_matches(['\n', '\r'])
    }

    /// `name:line:column` of a byte offset, the prefix of one-line messages.
    pub fn position(&self, offset: u32) -> String {
        format!("{}:{}", self.name, self.line_column(offset))
    }
}

/// Converts a length or offset that is known to fit (texts are capped at `u32::MAX` bytes).
pub(crate) fn to_u32(value: usize) -> u32 {
    u32::try_from(value).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_columns() {
        let file = SourceFile::new("f", "ab\ncé d\n\nx");
        assert_eq!(file.line_column(0), LineColumn { line: 1, column: 1 });
        assert_eq!(file.line_column(2), LineColumn { line: 1, column: 3 });
        assert_eq!(file.line_column(3), LineColumn { line: 2, column: 1 });
        // `é` is two bytes but one column.
        assert_eq!(file.line_column(6), LineColumn { line: 2, column: 3 });
        assert_eq!(file.line_column(9), LineColumn { line: 3, column: 1 });
        assert_eq!(file.line_column(10), LineColumn { line: 4, column: 1 });
        assert_eq!(file.line_column(99), LineColumn { line: 4, column: 2 });
        assert_eq!(file.line_text(2), "cé d");
        assert_eq!(file.line_text(3), "");
        assert_eq!(file.line_text(5), "");
        assert_eq!(file.position(3), "f:2:1");
    }
}
