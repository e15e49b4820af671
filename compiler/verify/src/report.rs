//! The self-contained HTML report: for each changed shot, golden / current / difference images
//! side by side, the schedule diff and the metrics; unchanged shots listed briefly.

use base64::Engine;

use crate::compare::{Comparison, ShotVerdict};
use crate::metrics::difference_image;
use crate::thumbnail::{decode_png, encode_png};
use crate::tolerance::Mode;

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn img(png: &[u8], alt: &str) -> String {
    format!(
        "<img alt=\"{}\" src=\"data:image/png;base64,{}\">",
        esc(alt),
        base64::engine::general_purpose::STANDARD.encode(png)
    )
}

fn db(v: f64) -> String {
    if v.is_infinite() {
        "∞".into()
    } else {
        format!("{v:.2} dB")
    }
}

pub fn html(cmp: &Comparison) -> String {
    let mut body = String::new();
    let status = if cmp.failed() {
        "<p class=bad>Regressions found.</p>"
    } else {
        "<p class=good>All shots match.</p>"
    };
    body += &format!("<h1>scenec verify — {}</h1>{status}", esc(&cmp.title));
    body += &format!(
        "<p>Backend: <code>{}</code> (goldens: <code>{}</code>). Comparison: {}.</p>",
        esc(&cmp.backend),
        esc(&cmp.golden_backend),
        match cmp.mode {
            Mode::Exact => "exact frame hashes".to_string(),
            Mode::Perceptual(t) => format!(
                "perceptual, PSNR ≥ {:.1} dB and SSIM ≥ {:.3}",
                t.psnr, t.ssim
            ),
        }
    );
    body += &format!("<pre class=summary>{}</pre>", esc(&cmp.summary()));

    let mut unchanged = Vec::new();
    for shot in &cmp.shots {
        match &shot.verdict {
            ShotVerdict::Match { shifted } => unchanged.push(match shifted {
                Some((a, b)) => format!("{} (moved: frame {a} → {b})", esc(&shot.name)),
                None => esc(&shot.name),
            }),
            ShotVerdict::Added => body += &format!("<section><h2>{} — added</h2><p>Not in the goldens. Bless to record it.</p></section>", esc(&shot.name)),
            ShotVerdict::Removed => body += &format!("<section><h2>{} — removed</h2><p>In the goldens, not in the film.</p></section>", esc(&shot.name)),
            ShotVerdict::Regressed { reason, changes, frames_differing, frames_total, thumbs } => {
                body += &format!("<section><h2>{} — regressed</h2><p>{}</p>", esc(&shot.name), esc(reason));
                body += &format!("<p>{frames_differing} of {frames_total} frames differ.</p>");
                if !changes.is_empty() {
                    body += "<h3>Schedule changes</h3><table class=diff><tr><th>field</th><th>golden</th><th>current</th></tr>";
                    for c in changes {
                        let what = match c.summary {
                            Some((n, of)) => format!("{} <small>({n} of {of} differ; first shown)</small>", esc(&c.path)),
                            None => esc(&c.path),
                        };
                        body += &format!(
                            "<tr><td>{what}</td><td class=old>{}</td><td class=new>{}</td></tr>",
                            esc(c.before.as_deref().unwrap_or("(absent)")),
                            esc(c.after.as_deref().unwrap_or("(absent)"))
                        );
                    }
                    body += "</table>";
                }
                if !thumbs.is_empty() {
                    body += "<h3>Frames</h3><table class=frames><tr><th>frame</th><th>golden</th><th>current</th><th>difference ×4</th><th>PSNR</th><th>SSIM</th></tr>";
                    for t in thumbs {
                        let diff_png = decode_png(&t.golden_png)
                            .ok()
                            .filter(|g| (g.width, g.height) == (t.current.width, t.current.height))
                            .map(|g| encode_png(&difference_image(&g, &t.current)));
                        body += &format!(
                            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{:.4}</td></tr>",
                            t.frame,
                            img(&t.golden_png, "golden"),
                            img(&encode_png(&t.current), "current"),
                            diff_png.map(|p| img(&p, "difference")).unwrap_or_else(|| "(sizes differ)".into()),
                            db(t.psnr),
                            t.ssim
                        );
                    }
                    body += "</table>";
                }
                body += "</section>";
            }
        }
    }
    if !unchanged.is_empty() {
        body += &format!(
            "<section><h2>Unchanged</h2><p>{}</p></section>",
            unchanged.join(", ")
        );
    }
    format!(
        "<!doctype html><html lang=en><head><meta charset=utf-8><title>scenec verify — {}</title><style>{}</style></head><body>{body}</body></html>\n",
        esc(&cmp.title),
        STYLE
    )
}

const STYLE: &str = "body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#222}\
h1{font-size:1.5em}h2{font-size:1.2em;border-top:1px solid #ccc;padding-top:1em}\
.bad{color:#b00;font-weight:bold}.good{color:#070;font-weight:bold}\
table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ddd;padding:4px 8px;vertical-align:top;text-align:left}\
td.old{background:#fee}td.new{background:#efe}img{display:block;image-rendering:pixelated}\
pre.summary{background:#f6f6f6;padding:1em}";
