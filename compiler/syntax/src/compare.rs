//! Comparing trees for meaning: equal up to spans and where comments sit. The formatter's
//! guarantee ("never changes meaning") is stated and tested with this.

use serde_json::Value as Json;

use crate::ast::SourceFile;

/// The tree as JSON with every span removed; comments reduced to their kind and text, in order.
pub fn without_spans(file: &SourceFile) -> Json {
    let mut items = serde_json::to_value(&file.items).unwrap_or(Json::Null);
    strip(&mut items);
    let comments: Vec<Json> = file
        .comments
        .iter()
        .map(|c| serde_json::json!({ "kind": format!("{:?}", c.kind), "text": c.text }))
        .collect();
    serde_json::json!({ "items": items, "comments": comments })
}

/// Whether two trees say the same thing: equal ignoring spans and comment positions.
pub fn same_meaning(a: &SourceFile, b: &SourceFile) -> bool {
    without_spans(a) == without_spans(b)
}

fn strip(v: &mut Json) {
    match v {
        Json::Object(map) => {
            map.remove("span");
            for (_, child) in map.iter_mut() {
                strip(child);
            }
        }
        Json::Array(items) => items.iter_mut().for_each(strip),
        _ => {}
    }
}
