//! Instruction forms: templates in assembly syntax with placeholders, read from a forms file.
//!
//! A line is one form; `{a,b,c}` expands a line into one form per alternative, any other
//! `{name}` is a placeholder the architecture fills in per instance, and text after `|` lists
//! register presets (`rsi=data`). Blank lines and `#` comments are skipped.

#[derive(Clone, Debug)]
pub struct Form {
    /// Line in the forms file, for messages.
    pub line: usize,
    pub template: String,
    pub presets: Vec<(String, String)>,
}

/// Expands `{a,b}` alternatives; leaves `{placeholder}`s alone.
fn expand_alternatives(text: &str) -> Vec<String> {
    let Some(start) = text.match_indices('{').map(|(i, _)| i).find(|&i| {
        text[i..]
            .find('}')
            .is_some_and(|j| text[i..i + j].contains(','))
    }) else {
        return vec![text.to_string()];
    };
    let end = start + text[start..].find('}').unwrap_or(0);
    let (head, tail) = (&text[..start], &text[end + 1..]);
    text[start + 1..end]
        .split(',')
        .flat_map(|alt| expand_alternatives(&format!("{head}{}{tail}", alt.trim())))
        .collect()
}

pub fn parse(text: &str) -> Vec<Form> {
    let mut out = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (insn, presets) = match line.split_once('|') {
            Some((a, b)) => (a.trim(), b.trim()),
            None => (line, ""),
        };
        let presets: Vec<(String, String)> = presets
            .split_whitespace()
            .filter_map(|p| p.split_once('='))
            .map(|(r, v)| (r.to_string(), v.to_string()))
            .collect();
        for template in expand_alternatives(insn) {
            out.push(Form {
                line: i + 1,
                template,
                presets: presets.clone(),
            });
        }
    }
    out
}

/// Splits a template into literal text and placeholder names.
pub fn pieces(template: &str) -> Vec<Piece<'_>> {
    let mut out = Vec::new();
    let mut rest = template;
    while let Some(i) = rest.find('{') {
        if i > 0 {
            out.push(Piece::Text(&rest[..i]));
        }
        match rest[i..].find('}') {
            Some(j) => {
                out.push(Piece::Hole(&rest[i + 1..i + j]));
                rest = &rest[i + j + 1..];
            }
            None => {
                out.push(Piece::Text(&rest[i..]));
                rest = "";
            }
        }
    }
    if !rest.is_empty() {
        out.push(Piece::Text(rest));
    }
    out
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Piece<'a> {
    Text(&'a str),
    Hole(&'a str),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alternatives_expand_and_placeholders_stay() {
        let forms = parse("{add,sub} {r32}, {r32} | rsi=data\n# comment\n\nset{e,ne} {r8}\n");
        let t: Vec<_> = forms.iter().map(|f| f.template.as_str()).collect();
        assert_eq!(
            t,
            [
                "add {r32}, {r32}",
                "sub {r32}, {r32}",
                "sete {r8}",
                "setne {r8}"
            ]
        );
        assert_eq!(forms[0].presets, [("rsi".to_string(), "data".to_string())]);
        assert_eq!(
            pieces("add {r32}, 5"),
            [Piece::Text("add "), Piece::Hole("r32"), Piece::Text(", 5")]
        );
    }
}
