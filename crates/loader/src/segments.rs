//! The loaded image: `PT_LOAD` segments, their permissions, and reads by virtual address.

use std::borrow::Cow;
use std::ops::Range;

/// Memory access permissions of a segment or section.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Perms {
    /// Readable.
    pub read: bool,
    /// Writable.
    pub write: bool,
    /// Executable.
    pub execute: bool,
}

impl Perms {
    /// Read-only.
    pub const R: Perms = Perms {
        read: true,
        write: false,
        execute: false,
    };
    /// Readable and writable.
    pub const RW: Perms = Perms {
        read: true,
        write: true,
        execute: false,
    };
    /// Readable and executable.
    pub const RX: Perms = Perms {
        read: true,
        write: false,
        execute: true,
    };
}

/// A loadable (`PT_LOAD`) segment: a range of the virtual address space and the file bytes that
/// initialise it. Bytes from `file_size` up to `mem_size` are zero (`.bss`).
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Segment<'data> {
    /// Index of the program header in the file.
    pub index: usize,
    /// Virtual address of the first byte (`p_vaddr`).
    pub vaddr: u64,
    /// Size in memory (`p_memsz`), never smaller than `file_size`.
    pub mem_size: u64,
    /// File offset of the initialised bytes (`p_offset`).
    pub file_offset: u64,
    /// Number of initialised bytes (`p_filesz`).
    pub file_size: u64,
    /// Access permissions (`p_flags`).
    pub perms: Perms,
    /// The initialised bytes; `data.len() == file_size`.
    pub data: &'data [u8],
}

impl std::fmt::Debug for Segment<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Segment")
            .field("index", &self.index)
            .field("vaddr", &format_args!("{:#x}", self.vaddr))
            .field("mem_size", &format_args!("{:#x}", self.mem_size))
            .field("file_offset", &format_args!("{:#x}", self.file_offset))
            .field("file_size", &format_args!("{:#x}", self.file_size))
            .field("perms", &self.perms)
            .finish_non_exhaustive()
    }
}

impl Segment<'_> {
    /// The virtual address range `vaddr .. vaddr + mem_size`.
    pub fn range(&self) -> Range<u64> {
        // Validated when the binary was parsed: the end does not overflow.
        self.vaddr..self.end()
    }

    /// One past the last virtual address.
    pub fn end(&self) -> u64 {
        self.vaddr.saturating_add(self.mem_size)
    }

    /// Whether `addr` lies inside the segment in memory.
    pub fn contains(&self, addr: u64) -> bool {
        addr >= self.vaddr && addr < self.end()
    }
}

/// The segments of a binary, sorted by address and non-overlapping (checked at parse time).
#[derive(Debug, Clone, Default)]
pub(crate) struct Image<'data> {
    pub(crate) segments: Vec<Segment<'data>>,
}

impl<'data> Image<'data> {
    /// The index of the segment that holds `addr`.
    pub(crate) fn segment_index(&self, addr: u64) -> Option<usize> {
        let after = self.segments.partition_point(|s| s.vaddr <= addr);
        let index = after.checked_sub(1)?;
        let segment = self.segments.get(index)?;
        segment.contains(addr).then_some(index)
    }

    pub(crate) fn perms_at(&self, addr: u64) -> Option<Perms> {
        let index = self.segment_index(addr)?;
        self.segments.get(index).map(|s| s.perms)
    }

    /// Bytes at `addr .. addr + len`, borrowed when they lie in one segment's file bytes, copied
    /// (with zeros past `p_filesz`) when they span segments or reach into `.bss`.
    pub(crate) fn read(&self, addr: u64, len: u64) -> Option<Cow<'data, [u8]>> {
        if len == 0 {
            return self.segment_index(addr).map(|_| Cow::Borrowed(&[][..]));
        }
        let end = addr.checked_add(len)?;
        let first = self.segment_index(addr)?;
        let segment = self.segments.get(first)?;
        // Fast path: entirely inside one segment's file bytes.
        let offset = addr.checked_sub(segment.vaddr)?;
        if let Some(bytes) = slice(segment.data, offset, len) {
            return Some(Cow::Borrowed(bytes));
        }
        // Slow path: check that the whole range is mapped before allocating anything.
        let mut cursor = addr;
        let mut index = first;
        while cursor < end {
            let segment = self.segments.get(index)?;
            if !segment.contains(cursor) {
                return None;
            }
            cursor = segment.end();
            index = index.checked_add(1)?;
        }
        let capacity = usize::try_from(len).ok()?;
        let mut out = Vec::new();
        out.try_reserve_exact(capacity).ok()?;
        let mut cursor = addr;
        let mut index = first;
        while cursor < end {
            let segment = self.segments.get(index)?;
            let start = cursor.checked_sub(segment.vaddr)?;
            let stop = end.min(segment.end()).checked_sub(segment.vaddr)?;
            let file_end = u64::try_from(segment.data.len()).ok()?;
            if start < file_end {
                let bytes = slice(segment.data, start, stop.min(file_end).checked_sub(start)?)?;
                out.extend_from_slice(bytes);
            }
            let zeros = stop.checked_sub(start.max(file_end.min(stop)))?;
            out.resize(out.len().checked_add(usize::try_from(zeros).ok()?)?, 0);
            cursor = segment.end();
            index = index.checked_add(1)?;
        }
        Some(Cow::Owned(out))
    }

    pub(crate) fn executable_ranges(&self) -> impl Iterator<Item = Range<u64>> + '_ {
        self.segments
            .iter()
            .filter(|s| s.perms.execute)
            .map(Segment::range)
    }
}

/// `data[offset .. offset + len]`, or `None` when out of range.
pub(crate) fn slice(data: &[u8], offset: u64, len: u64) -> Option<&[u8]> {
    let start = usize::try_from(offset).ok()?;
    let end = start.checked_add(usize::try_from(len).ok()?)?;
    data.get(start..end)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn segment(vaddr: u64, mem_size: u64, data: &'static [u8]) -> Segment<'static> {
        Segment {
            index: 0,
            vaddr,
            mem_size,
            file_offset: 0,
            file_size: data.len() as u64,
            perms: Perms::RW,
            data,
        }
    }

    #[test]
    fn reads_across_segments_and_bss() {
        let image = Image {
            segments: vec![
                segment(0x1000, 4, b"abcd"),
                segment(0x1004, 6, b"ef"),
                segment(0x2000, 2, b"gh"),
            ],
        };
        assert_eq!(image.read(0x1001, 2).as_deref(), Some(&b"bc"[..]));
        assert!(matches!(image.read(0x1001, 2), Some(Cow::Borrowed(_))));
        assert_eq!(
            image.read(0x1002, 6).as_deref(),
            Some(&b"cdef\0\0"[..]),
            "spans two segments and reaches into the zero fill"
        );
        assert_eq!(
            image.read(0x1008, 2).as_deref(),
            Some(&b"\0\0"[..]),
            "only zero fill"
        );
        assert_eq!(image.read(0x1008, 3), None, "runs past the mapped range");
        assert_eq!(image.read(0x0fff, 1), None);
        assert_eq!(image.read(0x100a, 1), None);
        assert_eq!(image.read(0x2001, 1).as_deref(), Some(&b"h"[..]));
        assert_eq!(image.read(0x2000, 0).as_deref(), Some(&b""[..]));
        assert_eq!(image.read(0x3000, 0), None);
        assert_eq!(image.read(u64::MAX, u64::MAX), None);
        assert_eq!(image.perms_at(0x1009), Some(Perms::RW));
        assert_eq!(image.perms_at(0x100a), None);
    }

    /// A byte-at-a-time model of the image: the value at `addr`, or `None` if unmapped.
    fn model(segments: &[Segment<'_>], addr: u64) -> Option<u8> {
        let segment = segments.iter().find(|s| s.contains(addr))?;
        let offset = usize::try_from(addr - segment.vaddr).ok()?;
        Some(segment.data.get(offset).copied().unwrap_or(0))
    }

    proptest::proptest! {
        #[test]
        fn read_matches_the_byte_model(
            layout in proptest::collection::vec((0u64..40, 0usize..12, 0u64..12), 1..5),
            addr in 0u64..300,
            len in 0u64..80,
        ) {
            // Non-overlapping segments: each starts `gap` bytes after the previous one ends.
            static BYTES: [u8; 12] = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];
            let mut segments = Vec::new();
            let mut next = 0u64;
            for (index, &(gap, file, bss)) in layout.iter().enumerate() {
                let vaddr = next + gap;
                let data = &BYTES[..file];
                let mem_size = file as u64 + bss;
                if mem_size == 0 {
                    continue;
                }
                let mut segment = segment(vaddr, mem_size, data);
                segment.index = index;
                next = vaddr + mem_size;
                segments.push(segment);
            }
            let image = Image { segments };
            let expected: Option<Vec<u8>> = (addr..addr + len)
                .map(|a| model(&image.segments, a))
                .collect();
            let got = image.read(addr, len).map(|bytes| bytes.into_owned());
            if len == 0 {
                proptest::prop_assert_eq!(got.is_some(), model(&image.segments, addr).is_some());
            } else {
                proptest::prop_assert_eq!(got, expected);
            }
        }
    }
}
