//! What a remix changes, as the commands print it: `scenec render --json` and `scenec watch
//! --json` add it to their summary line, `scenec graph` marks each shot with it.

use scene_check::remix::Remix;
#[cfg(feature = "render")]
use scene_check::remix::ShotOrigin;
use scene_check::Checked;
#[cfg(feature = "render")]
use scene_syntax::ast::ItemKind;

#[cfg(feature = "render")]
/// `{"base", "inherited", "overridden", "inserted", "removed"}`: the base film's entry file
/// (relative to the project root) and the remix's shots by origin, each list in play order
/// (`removed` in the order written). `None` for a film that is not a remix.
pub fn summary(checked: &Checked) -> Option<serde_json::Value> {
    let remix = checked.remix.as_ref()?;
    let names = |origin: ShotOrigin| -> Vec<&str> {
        checked
            .film
            .shots
            .iter()
            .map(|s| s.id.as_str())
            .filter(|name| remix.origin(name) == origin)
            .collect()
    };
    let mut json = serde_json::json!({
        "base": base_path(checked, remix),
        "inherited": names(ShotOrigin::Inherited),
        "overridden": names(ShotOrigin::Overridden),
        "inserted": names(ShotOrigin::Inserted),
        "removed": remix.removed,
    });
    json.sort_all_objects();
    Some(json)
}

/// The base film's entry file as the writer's messages show it.
pub fn base_path(checked: &Checked, remix: &Remix) -> String {
    remix
        .base
        .map(|f| {
            checked
                .sources
                .path(f)
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("/")
        })
        .unwrap_or_default()
}

#[cfg(feature = "render")]
/// Adds the remix's summary to a command's `--json` summary line (nothing for a plain film, so
/// its line stays as it was).
pub fn add_to(summary: &mut serde_json::Value, checked: &Checked) {
    if let Some(remix) = self::summary(checked) {
        summary["remix"] = remix;
        summary.sort_all_objects();
    }
}

#[cfg(feature = "render")]
/// The title the film a remix extends writes in its `film` block. `None` for a film that is not
/// a remix.
pub fn base_title(checked: &Checked) -> Option<String> {
    let base = checked.remix.as_ref()?.base?;
    checked
        .sources
        .ast(base)?
        .items
        .iter()
        .find_map(|item| match &item.kind {
            ItemKind::Film(film) => Some(film.title.value.clone()),
            _ => None,
        })
}
