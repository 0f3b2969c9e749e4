//! Concrete memory for the interpreter.

use std::collections::BTreeMap;

/// A load or store touched memory that is not mapped (or not writable).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Fault {
    pub addr: u64,
    pub write: bool,
}

/// Byte-addressed memory. Accesses may straddle pages; a fault names the first bad byte.
pub trait Memory {
    fn read(&mut self, addr: u64, buf: &mut [u8]) -> Result<(), Fault>;
    fn write(&mut self, addr: u64, data: &[u8]) -> Result<(), Fault>;
}

pub const PAGE: u64 = 4096;

/// Memory made of mapped 4 KiB pages; everything else faults.
#[derive(Clone, Default, Debug)]
pub struct PagedMemory {
    pages: BTreeMap<u64, Page>,
}

#[derive(Clone, Debug)]
struct Page {
    bytes: Box<[u8; PAGE as usize]>,
    writable: bool,
}

impl PagedMemory {
    pub fn new() -> PagedMemory {
        PagedMemory::default()
    }

    /// Maps the pages covering `addr .. addr + len` (zero-filled where new) and copies `data`
    /// (which may be shorter than `len`) to `addr`.
    pub fn map(&mut self, addr: u64, len: u64, writable: bool, data: &[u8]) {
        let first = addr & !(PAGE - 1);
        let end = addr.saturating_add(len);
        let mut page = first;
        while page < end {
            self.pages
                .entry(page)
                .and_modify(|p| p.writable = writable)
                .or_insert_with(|| Page {
                    bytes: Box::new([0; PAGE as usize]),
                    writable,
                });
            page = match page.checked_add(PAGE) {
                Some(p) => p,
                None => break,
            };
        }
        self.copy_in(addr, data);
    }

    /// Copies `data` to `addr`, page by page, skipping unmapped pages.
    fn copy_in(&mut self, addr: u64, data: &[u8]) {
        let mut done = 0usize;
        while done < data.len() {
            let a = addr.wrapping_add(done as u64);
            let off = (a & (PAGE - 1)) as usize;
            let n = (PAGE as usize - off).min(data.len() - done);
            if let Some(p) = self.pages.get_mut(&(a & !(PAGE - 1))) {
                p.bytes[off..off + n].copy_from_slice(&data[done..done + n]);
            }
            done += n;
        }
    }

    pub fn is_mapped(&self, addr: u64) -> bool {
        self.pages.contains_key(&(addr & !(PAGE - 1)))
    }

    /// The mapped pages in address order, with their contents.
    pub fn pages(&self) -> impl Iterator<Item = (u64, &[u8])> {
        self.pages.iter().map(|(a, p)| (*a, &p.bytes[..]))
    }
}

impl Memory for PagedMemory {
    fn read(&mut self, addr: u64, buf: &mut [u8]) -> Result<(), Fault> {
        let mut done = 0usize;
        while done < buf.len() {
            let a = addr.wrapping_add(done as u64);
            let off = (a & (PAGE - 1)) as usize;
            let n = (PAGE as usize - off).min(buf.len() - done);
            let page = self.pages.get(&(a & !(PAGE - 1))).ok_or(Fault {
                addr: a,
                write: false,
            })?;
            buf[done..done + n].copy_from_slice(&page.bytes[off..off + n]);
            done += n;
        }
        Ok(())
    }

    fn write(&mut self, addr: u64, data: &[u8]) -> Result<(), Fault> {
        // Check every byte first: a faulting store writes nothing, as on the machines we model.
        for i in 0..data.len() {
            let a = addr.wrapping_add(i as u64);
            match self.pages.get(&(a & !(PAGE - 1))) {
                Some(p) if p.writable => {}
                _ => {
                    return Err(Fault {
                        addr: a,
                        write: true,
                    });
                }
            }
        }
        self.copy_in(addr, data);
        Ok(())
    }
}
