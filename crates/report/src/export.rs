//! `export`'s objects.

use arena_recordings::write::{Escape, JsonWriter};
use arena_recordings::{promptkit, Error, RecordingReference, Visit};

/// The JSON line `export` writes for one visited reference (ending in a
/// newline): `{"id","source","type_hint","messages","metadata"[,"warnings"]}`
/// when it loaded, `{"id","source","type_hint","error"}` when it did not.
pub fn export_line(v: &Visit<'_, '_>) -> String {
    let r = v.reference();
    let mut s = String::with_capacity(256 + v.size() as usize);
    let mut w = JsonWriter::compact(&mut s, Escape::Go);
    w.obj();
    write_head(&mut w, &r);
    match &v.result {
        Ok(rec) => {
            promptkit::write_messages(w.key("messages").raw(), rec.messages);
            promptkit::write_metadata(w.key("metadata").raw(), &rec.metadata);
            if !rec.warnings.is_empty() {
                w.key("warnings").arr();
                for x in rec.warnings {
                    w.str(x);
                }
                w.end_arr();
            }
        }
        Err(e) => {
            write_error_object(w.key("error"), e);
        }
    }
    w.end_obj();
    s.push('\n');
    s
}

/// A reference as the object `ls --format json` writes:
/// `{"id","source","type_hint"}` (no newline), appended to `out`.
pub fn write_reference(out: &mut String, r: &RecordingReference) {
    let mut w = JsonWriter::compact(out, Escape::Go);
    w.obj();
    write_head(&mut w, r);
    w.end_obj();
}

/// The `"id"`, `"source"` and `"type_hint"` members of a reference.
pub fn write_head(w: &mut JsonWriter<'_>, r: &RecordingReference) {
    w.kv("id", &r.id).kv("source", &r.source).kv("type_hint", &r.type_hint);
}

/// An error as the JSON object `export` writes:
/// `{"kind","message","line","column","offset"}` (null where unknown).
pub fn write_error_object(w: &mut JsonWriter<'_>, e: &Error) {
    let pos = e.position();
    let num = |v: Option<usize>| v.map_or_else(|| "null".to_string(), |v| v.to_string());
    w.obj()
        .kv("kind", e.kind().as_str())
        .kv("message", e.message())
        .kl("line", num(pos.map(|p| p.line)))
        .kl("column", num(pos.map(|p| p.column)))
        .kl("offset", num(e.offset()))
        .end_obj();
}
