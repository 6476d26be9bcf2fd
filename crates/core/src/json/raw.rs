//! Raw tape values re-encoded as compact JSON text.

use simd_json::{Node, StaticNode};

use super::cx::next_index;

pub(super) struct Frame {
    pub(super) is_obj: bool,
    pub(super) slots: usize,
    pub(super) pos: usize,
}

/// Writes the subtree at `i` as compact JSON (standard escaping).
pub(super) fn write_compact(nodes: &[Node<'_>], i: usize, out: &mut String, stack: &mut Vec<Frame>) {
    let end = next_index(nodes, i);
    for node in nodes.get(i..end).unwrap_or(&[]) {
        if let Some(top) = stack.last_mut() {
            if top.is_obj {
                if top.pos % 2 == 1 {
                    out.push(':');
                } else if top.pos > 0 {
                    out.push(',');
                }
            } else if top.pos > 0 {
                out.push(',');
            }
            top.pos += 1;
        }
        match node {
            Node::String(s) => crate::write::write_str_plain(out, s),
            Node::Static(StaticNode::Null) => out.push_str("null"),
            Node::Static(StaticNode::Bool(b)) => out.push_str(if *b { "true" } else { "false" }),
            Node::Static(StaticNode::I64(v)) => {
                if *v < 0 {
                    out.push('-');
                }
                push_u64(out, v.unsigned_abs());
            }
            Node::Static(StaticNode::U64(v)) => push_u64(out, *v),
            Node::Static(StaticNode::F64(v)) => crate::write::go::write_f64(out, *v),
            #[allow(unreachable_patterns)]
            Node::Static(_) => out.push_str("null"),
            Node::Object { len, .. } => {
                out.push('{');
                if *len > 0 {
                    stack.push(Frame { is_obj: true, slots: len * 2, pos: 0 });
                    continue;
                }
                out.push('}');
            }
            Node::Array { len, .. } => {
                out.push('[');
                if *len > 0 {
                    stack.push(Frame { is_obj: false, slots: *len, pos: 0 });
                    continue;
                }
                out.push(']');
            }
        }
        while let Some(top) = stack.last() {
            if top.pos != top.slots {
                break;
            }
            out.push(if top.is_obj { '}' } else { ']' });
            stack.pop();
        }
    }
}

/// Appends the decimal digits of `v` (the common integer case of
/// [`write_compact`], without the formatting machinery).
pub(super) fn push_u64(out: &mut String, mut v: u64) {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    out.push_str(std::str::from_utf8(&buf[i..]).unwrap_or_default());
}
