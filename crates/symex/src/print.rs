//! A readable text form of terms, for debugging and for messages.

use std::fmt::Write as _;

use tandem_ir::{BinOp, UnOp};

use crate::term::{Node, TermId, TermPool};

fn infix(op: BinOp) -> Option<&'static str> {
    Some(match op {
        BinOp::Add => "+",
        BinOp::Sub => "-",
        BinOp::Mul => "*",
        BinOp::And => "&",
        BinOp::Or => "|",
        BinOp::Xor => "^",
        BinOp::Shl => "<<",
        BinOp::LShr => ">>",
        BinOp::AShr => ">>s",
        BinOp::Eq => "==",
        BinOp::Ne => "!=",
        BinOp::Ult => "<u",
        BinOp::Ule => "<=u",
        BinOp::Slt => "<s",
        BinOp::Sle => "<=s",
        _ => return None,
    })
}

impl TermPool {
    /// `t` as text; subterms deeper than `depth` print as `#id`.
    pub fn show(&self, t: TermId, depth: u32) -> String {
        let mut s = String::new();
        self.show_into(&mut s, t, depth);
        s
    }

    fn show_into(&self, s: &mut String, t: TermId, depth: u32) {
        if depth == 0 {
            let _ = write!(s, "#{}", t.0);
            return;
        }
        let d = depth - 1;
        match self.node(t) {
            Node::Const { width, value } => {
                if *width == 1 {
                    s.push_str(if *value == 1 { "true" } else { "false" });
                } else if *value < 10 {
                    let _ = write!(s, "{value}");
                } else if (*value as i128) > 0
                    && value.leading_zeros() < 128 - u32::from(*width)
                    && {
                        let neg = value.wrapping_neg() & tandem_ir::mask(*width);
                        neg < 0x10000
                    }
                {
                    let neg = value.wrapping_neg() & tandem_ir::mask(*width);
                    let _ = write!(s, "-{neg:#x}");
                } else {
                    let _ = write!(s, "{value:#x}");
                }
            }
            Node::Var(v) => s.push_str(&self.var_info(*v).name),
            Node::Unary(op, a) => {
                let name = match op {
                    UnOp::Not => "~",
                    UnOp::Neg => "-",
                    _ => "",
                };
                if name.is_empty() {
                    let _ = write!(s, "{op:?}(");
                    self.show_into(s, *a, d);
                    s.push(')');
                } else {
                    s.push_str(name);
                    self.show_into(s, *a, d);
                }
            }
            Node::Binary(op, a, b) => match infix(*op) {
                Some(sym) => {
                    s.push('(');
                    self.show_into(s, *a, d);
                    let _ = write!(s, " {sym} ");
                    self.show_into(s, *b, d);
                    s.push(')');
                }
                None => {
                    let _ = write!(s, "{op:?}(");
                    self.show_into(s, *a, d);
                    s.push_str(", ");
                    self.show_into(s, *b, d);
                    s.push(')');
                }
            },
            Node::Ite(c, a, b) => {
                s.push_str("(if ");
                self.show_into(s, *c, d);
                s.push_str(" then ");
                self.show_into(s, *a, d);
                s.push_str(" else ");
                self.show_into(s, *b, d);
                s.push(')');
            }
            Node::Extract { lo, width, arg } => {
                self.show_into(s, *arg, d);
                let _ = write!(s, "[{}:{lo}]", lo + width - 1);
            }
            Node::Concat(h, l) => {
                s.push_str("concat(");
                self.show_into(s, *h, d);
                s.push_str(", ");
                self.show_into(s, *l, d);
                s.push(')');
            }
            Node::ZeroExt { width, arg } => {
                let _ = write!(s, "zext{width}(");
                self.show_into(s, *arg, d);
                s.push(')');
            }
            Node::SignExt { width, arg } => {
                let _ = write!(s, "sext{width}(");
                self.show_into(s, *arg, d);
                s.push(')');
            }
            Node::App(f, args) => {
                s.push_str(&self.func(*f).name);
                s.push('(');
                for (i, a) in args.iter().enumerate() {
                    if i > 0 {
                        s.push_str(", ");
                    }
                    self.show_into(s, *a, d);
                }
                s.push(')');
            }
            Node::Store(m, a, v) => {
                s.push_str("store(");
                self.show_into(s, *m, d);
                s.push_str(", ");
                self.show_into(s, *a, d);
                s.push_str(", ");
                self.show_into(s, *v, d);
                s.push(')');
            }
            Node::Select(m, a) => {
                self.show_into(s, *m, d);
                s.push('[');
                self.show_into(s, *a, d);
                s.push(']');
            }
        }
    }
}
