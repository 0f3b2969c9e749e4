//! Static pairing of two programs: which function of the patched binary corresponds to which
//! of the original, and which CFAR to which.
//!
//! Functions pair by symbol name first; functions left over pair by structure (the k-th call
//! of paired callers, when both targets are still unpaired), which is what a rebuild from
//! patched source needs when a helper lost or changed its name. Within paired functions,
//! entries pair, return sites pair by the call they follow (the k-th call to the same, or
//! paired, callee), and loop heads pair in address order. What stays unpaired is shown as
//! such: the verifier itself pairs dynamically, by joint execution, and this pairing is the
//! static picture of it.

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::rc::Rc;

use crate::cfar::{Cfar, HeadKind, cfars};
use crate::discover::Function;
use crate::program::Program;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MatchedBy {
    /// The analysis roots.
    Root,
    Symbol,
    /// Called from the same call site of paired functions.
    Structure,
    /// Same kind and order within paired functions.
    Order,
    /// Return sites of corresponding calls.
    Call,
    Unmatched,
}

impl MatchedBy {
    pub fn as_str(self) -> &'static str {
        match self {
            MatchedBy::Root => "root",
            MatchedBy::Symbol => "symbol",
            MatchedBy::Structure => "structure",
            MatchedBy::Order => "order",
            MatchedBy::Call => "call",
            MatchedBy::Unmatched => "unmatched",
        }
    }
}

#[derive(Debug)]
pub struct FunctionPair {
    pub original: Option<Rc<Function>>,
    pub patched: Option<Rc<Function>>,
    pub how: MatchedBy,
}

#[derive(Debug)]
pub struct CfarPair {
    pub original: Option<Cfar>,
    pub patched: Option<Cfar>,
    pub how: MatchedBy,
}

/// The functions reachable from `root` through direct calls and tail calls, root first, then
/// in discovery order. Imports (PLT entries) and targets outside executable memory are not
/// functions of this binary.
pub fn reachable_functions(prog: &Program, root: u64) -> Vec<Rc<Function>> {
    let mut seen = HashSet::from([root]);
    let mut queue = VecDeque::from([root]);
    let mut out = Vec::new();
    while let Some(entry) = queue.pop_front() {
        let f = prog.function(entry);
        for t in callees(prog, &f) {
            if seen.insert(t) {
                queue.push_back(t);
            }
        }
        out.push(f);
    }
    out
}

/// Direct call and tail-call targets of `f` that are functions of this binary, in call order.
fn callees(prog: &Program, f: &Function) -> Vec<u64> {
    let mut out = Vec::new();
    let tail_calls = f.blocks.values().filter_map(|b| match b.term {
        crate::discover::Terminator::TailCall { target } => target,
        _ => None,
    });
    for t in f.calls.iter().filter_map(|c| c.target).chain(tail_calls) {
        let executable = prog.binary().perms_at(t).is_some_and(|p| p.execute);
        if executable && prog.binary().import_at(t).is_none() {
            out.push(t);
        }
    }
    out
}

/// Pairs the functions reachable from the two roots.
pub fn pair_functions(
    original: &Program,
    patched: &Program,
    roots: (u64, u64),
) -> Vec<FunctionPair> {
    let fo = reachable_functions(original, roots.0);
    let fp = reachable_functions(patched, roots.1);
    let mut pairs: BTreeMap<usize, (usize, MatchedBy)> = BTreeMap::new();
    let mut taken: HashSet<usize> = HashSet::new();
    pairs.insert(0, (0, MatchedBy::Root));
    taken.insert(0);
    let by_name: HashMap<&str, usize> = fp
        .iter()
        .enumerate()
        .filter_map(|(i, f)| Some((f.name.as_deref()?, i)))
        .collect();
    for (i, f) in fo.iter().enumerate().skip(1) {
        if let Some(&j) = f.name.as_deref().and_then(|n| by_name.get(n))
            && taken.insert(j)
        {
            pairs.insert(i, (j, MatchedBy::Symbol));
        }
    }
    // Structure: the k-th callee of paired functions, while it pairs anything new.
    let index_o: HashMap<u64, usize> = fo.iter().enumerate().map(|(i, f)| (f.entry, i)).collect();
    let index_p: HashMap<u64, usize> = fp.iter().enumerate().map(|(i, f)| (f.entry, i)).collect();
    loop {
        let mut new = Vec::new();
        for (&i, &(j, _)) in &pairs {
            let co = callees(original, &fo[i]);
            let cp = callees(patched, &fp[j]);
            for (a, b) in co.iter().zip(&cp) {
                let (a, b) = (index_o[a], index_p[b]);
                if !pairs.contains_key(&a)
                    && !taken.contains(&b)
                    && !new.iter().any(|&(x, y)| x == a || y == b)
                {
                    new.push((a, b));
                }
            }
        }
        if new.is_empty() {
            break;
        }
        for (a, b) in new {
            pairs.insert(a, (b, MatchedBy::Structure));
            taken.insert(b);
        }
    }
    let mut out: Vec<FunctionPair> = Vec::new();
    for (i, f) in fo.iter().enumerate() {
        match pairs.get(&i) {
            Some(&(j, how)) => out.push(FunctionPair {
                original: Some(f.clone()),
                patched: Some(fp[j].clone()),
                how,
            }),
            None => out.push(FunctionPair {
                original: Some(f.clone()),
                patched: None,
                how: MatchedBy::Unmatched,
            }),
        }
    }
    for (j, f) in fp.iter().enumerate() {
        if !taken.contains(&j) {
            out.push(FunctionPair {
                original: None,
                patched: Some(f.clone()),
                how: MatchedBy::Unmatched,
            });
        }
    }
    out
}

/// How a call's callee is known on both sides: by name (symbol or import), or by the
/// original's address of the function it pairs with.
fn callee_key(prog: &Program, target: Option<u64>, to_original: &HashMap<u64, u64>) -> String {
    let Some(t) = target else {
        return "indirect".to_string();
    };
    if let Some(n) = prog.function_name(t) {
        return n.to_string();
    }
    if let Some(n) = prog.import_name(t) {
        return n;
    }
    match to_original.get(&t) {
        Some(o) => format!("{o:#x}"),
        None => format!("unpaired {t:#x}"),
    }
}

/// Pairs the CFARs of two paired functions. `to_original` maps patched function entries to
/// the original entries they pair with (for callees without names).
pub fn pair_cfars(
    original: (&Program, &Function),
    patched: (&Program, &Function),
    to_original: &HashMap<u64, u64>,
) -> Vec<CfarPair> {
    let identity: HashMap<u64, u64> = HashMap::new();
    let keyed = |prog: &Program, f: &Function, map: &HashMap<u64, u64>| {
        let mut counts: HashMap<String, usize> = HashMap::new();
        let mut keys: HashMap<u64, (String, usize)> = HashMap::new();
        let mut calls = f.calls.clone();
        calls.sort_by_key(|c| c.at);
        for c in calls {
            let key = callee_key(prog, c.target, map);
            let n = counts.entry(key.clone()).or_default();
            if let Some(r) = c.return_site {
                keys.entry(r).or_insert((key, *n));
            }
            *n += 1;
        }
        keys
    };
    let ko = keyed(original.0, original.1, &identity);
    let kp = keyed(patched.0, patched.1, to_original);
    let co = cfars(original.1);
    let mut cp: Vec<Option<Cfar>> = cfars(patched.1).into_iter().map(Some).collect();
    let mut out = Vec::new();
    let loops_p: Vec<usize> = cp
        .iter()
        .enumerate()
        .filter(|(_, c)| c.as_ref().is_some_and(|c| c.kind == HeadKind::LoopHead))
        .map(|(i, _)| i)
        .collect();
    let mut next_loop = loops_p.into_iter();
    for c in co {
        let partner = match c.kind {
            HeadKind::FunctionEntry => cp
                .iter()
                .position(|x| {
                    x.as_ref()
                        .is_some_and(|x| x.kind == HeadKind::FunctionEntry)
                })
                .map(|i| (i, MatchedBy::Root)),
            HeadKind::LoopHead => next_loop.next().map(|i| (i, MatchedBy::Order)),
            HeadKind::ReturnSite => ko.get(&c.head).and_then(|key| {
                cp.iter()
                    .position(|x| {
                        x.as_ref().is_some_and(|x| {
                            x.kind == HeadKind::ReturnSite && kp.get(&x.head) == Some(key)
                        })
                    })
                    .map(|i| (i, MatchedBy::Call))
            }),
        };
        match partner.and_then(|(i, how)| Some((cp[i].take()?, how))) {
            Some((p, how)) => out.push(CfarPair {
                original: Some(c),
                patched: Some(p),
                how,
            }),
            None => out.push(CfarPair {
                original: Some(c),
                patched: None,
                how: MatchedBy::Unmatched,
            }),
        }
    }
    for p in cp.into_iter().flatten() {
        out.push(CfarPair {
            original: None,
            patched: Some(p),
            how: MatchedBy::Unmatched,
        });
    }
    out
}
