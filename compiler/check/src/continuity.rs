//! Continuity across shots: `continues` is resolved once every shot is known. It must name a
//! shot that plays earlier, and the links must not form a cycle.

use std::collections::BTreeMap;

use scene_syntax::ast::Ident;
use scene_syntax::{Diagnostic, Span};

use crate::codes;
use crate::context::Cx;
use crate::film::{Continues, Film, ShotId};
use crate::suggest;

/// Each shot that continues another, with the shot it continues and the span of the name.
type Links = BTreeMap<ShotId, (ShotId, Span)>;

/// Resolves the `continues` names written in `links` and sets [`crate::film::Shot::continues`]
/// for every link that is sound.
pub fn continuity(cx: &mut Cx, film: &mut Film, links: &[(ShotId, Ident)]) {
    let target = resolve(cx, film, links);
    let in_cycle = cycles(cx, film, &target);
    for (&shot, &(t, span)) in &target {
        if in_cycle.contains(&shot) {
            continue;
        }
        if t >= shot {
            cx.diags.push(plays_later(film, shot, t, span));
            continue;
        }
        film.shots[shot.index()].continues = Some(Continues { shot: t, span });
    }
}

/// The links whose shot names exist; the others are reported (E0106).
fn resolve(cx: &mut Cx, film: &Film, links: &[(ShotId, Ident)]) -> Links {
    let mut target = Links::new();
    for (shot, ident) in links {
        match film.shot_by_name(&ident.name) {
            Some(t) => {
                target.insert(*shot, (t, ident.span));
            }
            None => {
                let candidates: Vec<&str> = film.shots.iter().map(|s| s.id.as_str()).collect();
                let mut d = Diagnostic::new(
                    codes::E0106,
                    ident.span,
                    format!("unknown shot `{}`", ident.name),
                )
                .with_label("no shot with this name");
                if let Some(near) = suggest::nearest(&ident.name, candidates.iter().copied()) {
                    d = d.with_help(format!("did you mean `{near}`?")).with_fix(
                        ident.span,
                        near,
                        format!("replace with `{near}`"),
                    );
                }
                cx.diags.push(d);
            }
        }
    }
    target
}

/// Reports each cycle of links once (E0404) and returns the shots on cycles. Each shot continues
/// at most one, so following the links from a shot finds any cycle it leads into.
fn cycles(cx: &mut Cx, film: &Film, target: &Links) -> Vec<ShotId> {
    let mut in_cycle: Vec<ShotId> = Vec::new();
    for &start in target.keys() {
        if in_cycle.contains(&start) {
            continue;
        }
        let mut path = vec![start];
        let mut at = start;
        while let Some(&(next, _)) = target.get(&at) {
            if let Some(k) = path.iter().position(|&s| s == next) {
                let cycle: Vec<ShotId> = path[k..].to_vec();
                if !cycle.iter().any(|s| in_cycle.contains(s)) {
                    in_cycle.extend(cycle.iter().copied());
                    let first = *cycle.iter().min().unwrap_or(&next);
                    cx.diags.push(cycle_diagnostic(film, target, first));
                }
                break;
            }
            path.push(next);
            at = next;
        }
    }
    in_cycle
}

/// The cycle through `first` (its lowest shot), told from `first` around and back.
fn cycle_diagnostic(film: &Film, target: &Links, first: ShotId) -> Diagnostic {
    let names: Vec<String> = {
        let mut ordered = Vec::new();
        let mut s = first;
        loop {
            ordered.push(film.shot(s).id.clone());
            s = target[&s].0;
            if s == first {
                break;
            }
        }
        ordered.push(film.shot(first).id.clone());
        ordered
    };
    let mut d = Diagnostic::new(
        codes::E0404,
        target[&first].1,
        format!("`continues` links form a cycle: {}", names.join(" → ")),
    )
    .with_label("this link closes the cycle");
    let mut s = target[&first].0;
    while s != first {
        let (next, span) = target[&s];
        d = d.with_related(
            span,
            format!("`{}` continues `{}`", film.shot(s).id, film.shot(next).id),
        );
        s = next;
    }
    d.with_help("a shot continues from a shot that plays before it; remove one link")
}

/// `shot` continues `t`, which does not play before it (E0403).
fn plays_later(film: &Film, shot: ShotId, t: ShotId, span: Span) -> Diagnostic {
    Diagnostic::new(
        codes::E0403,
        span,
        format!(
            "`{}` does not play before `{}`",
            film.shot(t).id,
            film.shot(shot).id
        ),
    )
    .with_label("plays later")
    .with_related(film.shot(t).span, format!("`{}` is here", film.shot(t).id))
    .with_help("a shot can only continue from a shot that plays earlier in the film")
}
