//! Storyboards: a contact sheet with the first, middle and last frame of every shot, and under
//! each row the shot's name, duration, camera in words and dialogue — the sheet a director pins
//! on the wall — plus an atomic PNG writer.

use std::io::Write;
use std::path::{Path, PathBuf};

use scene_plan::schedule::{FilmSchedule, ShotSchedule};

use crate::backend::ShotInputs;
use crate::error::RenderError;
use crate::frame::RgbFrame;
use crate::image::{scale, Fit, Footprint, Size};
use crate::renderer::raster::{self, Rgb};
use crate::renderer::text::{Style, Text};
use crate::renderer::Previz;

/// Width of one thumbnail on the sheet, in pixels.
pub const THUMB_WIDTH: u32 = 320;
const MARGIN: f32 = 28.0;
const GAP: f32 = 14.0;
const PAPER: Rgb = [0.965, 0.955, 0.93];
const INK: Rgb = [0.11, 0.11, 0.13];
const MUTED: Rgb = [0.38, 0.38, 0.42];

/// The frames a sheet shows for a shot: first, middle and last (fewer for very short shots).
pub fn sample_frames(shot: &ShotSchedule) -> Vec<u32> {
    let n = shot.frames.0;
    let mut v = match n {
        0 => vec![],
        _ => vec![0, (n - 1) / 2, n - 1],
    };
    v.dedup();
    v
}

/// Thumbnail size for a film frame of `width` × `height`.
pub fn thumb_size(width: u32, height: u32) -> (u32, u32) {
    let th = (u64::from(THUMB_WIDTH) * u64::from(height) / u64::from(width.max(1))).max(1) as u32;
    (THUMB_WIDTH, th)
}

struct Row {
    title: String,
    detail: String,
    camera: Vec<String>,
    dialogue: Vec<String>,
}

/// Lays out and draws the sheet. `frame_of(shot_index, frame)` supplies the frames listed by
/// [`sample_frames`], at the film's size.
pub fn contact_sheet(
    film: &FilmSchedule,
    frame_of: &mut dyn FnMut(usize, u32) -> Result<RgbFrame, RenderError>,
) -> Result<RgbFrame, RenderError> {
    let mut text = Text::new()?;
    let (tw, th) = thumb_size(film.width, film.height);
    let (tw, th) = (tw as f32, th as f32);
    let width = (2.0 * MARGIN + 3.0 * tw + 2.0 * GAP) as u32;
    let text_w = width as f32 - 2.0 * MARGIN;

    let title_style = Style::bold(30.0);
    let sub_style = Style::regular(15.0);
    let name_style = Style::bold(17.0);
    let body_style = Style::regular(14.0);
    let (tm, sm, nm, bm) = (
        text.metrics(title_style),
        text.metrics(sub_style),
        text.metrics(name_style),
        text.metrics(body_style),
    );

    let fps = film.fps.max(1) as f32;
    let rows: Vec<Row> = film
        .shots
        .iter()
        .enumerate()
        .map(|(i, shot)| {
            let secs = shot.frames.0 as f32 / fps;
            let detail = format!(
                "{secs:.2}s · {} frames · scene {} · {}, {}, {}",
                shot.frames.0,
                shot.scene,
                shot.setting.location,
                shot.setting.time,
                shot.setting.weather
            );
            let camera = text.wrap(
                &format!("Camera: {}", shot.camera_text.trim()),
                body_style,
                text_w,
                3,
            );
            let mut dialogue = Vec::new();
            for d in &shot.dialogue {
                let name = if d.name.trim().is_empty() {
                    &d.character
                } else {
                    &d.name
                };
                let paren = d
                    .parenthetical
                    .as_deref()
                    .map(|p| format!(" ({p})"))
                    .unwrap_or_default();
                let at = d.start_frame.0 as f32 / fps;
                let line = format!(
                    "{}{paren}: “{}”  @{at:.1}s",
                    name.to_uppercase(),
                    d.text.trim()
                );
                dialogue.extend(text.wrap(&line, body_style, text_w - 16.0, 4));
            }
            Row {
                title: format!("{}. {}", i + 1, shot.name),
                detail,
                camera,
                dialogue,
            }
        })
        .collect();

    let header_h = MARGIN + tm.line_height + sm.line_height + 14.0;
    let row_h = |r: &Row| -> f32 {
        th + 10.0
            + nm.line_height
            + (r.camera.len() + r.dialogue.len()) as f32 * bm.line_height
            + GAP * 2.0
    };
    let height = (header_h + rows.iter().map(row_h).sum::<f32>() + MARGIN).ceil() as u32;
    let mut sheet = RgbFrame::filled(width, height, raster::rgb8(PAPER));

    // Header: title and the film's numbers.
    let mut y = MARGIN;
    let title = if film.title.trim().is_empty() {
        "Untitled"
    } else {
        film.title.trim()
    };
    text.draw(
        &mut sheet,
        title,
        MARGIN,
        y + tm.ascent,
        title_style,
        INK,
        1.0,
    );
    y += tm.line_height;
    let summary = format!(
        "{} shots · {:.1}s · {} frames at {} fps · {}x{}",
        film.shots.len(),
        film.frames.0 as f32 / fps,
        film.frames.0,
        film.fps,
        film.width,
        film.height
    );
    text.draw(
        &mut sheet,
        &summary,
        MARGIN,
        y + sm.ascent,
        sub_style,
        MUTED,
        1.0,
    );
    y += sm.line_height + 8.0;
    raster::fill_rect(
        &mut sheet,
        MARGIN,
        y,
        width as f32 - MARGIN,
        y + 2.0,
        INK,
        1.0,
    );
    y += 6.0;

    for (i, (shot, row)) in film.shots.iter().zip(&rows).enumerate() {
        y += GAP;
        for (col, f) in sample_frames(shot).into_iter().enumerate() {
            let frame = frame_of(i, f)?;
            if frame.width != film.width || frame.height != film.height {
                return Err(RenderError::Backend {
                    backend: "storyboard".into(),
                    shot: shot.name.clone(),
                    message: format!(
                        "frame {f} is {}x{}, the film is {}x{}",
                        frame.width, frame.height, film.width, film.height
                    ),
                });
            }
            let x = MARGIN + col as f32 * (tw + GAP);
            let view = frame.view().ok_or_else(|| RenderError::Backend {
                backend: "storyboard".into(),
                shot: shot.name.clone(),
                message: format!(
                    "frame {f} does not hold {}x{} pixels",
                    film.width, film.height
                ),
            })?;
            let thumb = scale(
                view,
                Size {
                    width: tw as usize,
                    height: th as usize,
                },
                Fit::Stretch,
                Footprint::Partition,
            );
            raster::fill_rect(
                &mut sheet,
                x - 1.0,
                y - 1.0,
                x + tw + 1.0,
                y + th + 1.0,
                [0.2; 3],
                1.0,
            );
            raster::blit(
                &mut sheet,
                &thumb,
                tw as usize,
                th as usize,
                x as i32,
                y as i32,
            );
            let label = format!("{:.2}s  f{}", f as f32 / fps, f);
            let ls = Style::regular(12.0);
            let lm = text.metrics(ls);
            let lw = text.measure(&label, ls);
            raster::fill_rect(
                &mut sheet,
                x,
                y + th - lm.line_height - 4.0,
                x + lw + 10.0,
                y + th,
                [0.0; 3],
                0.6,
            );
            text.draw(
                &mut sheet,
                &label,
                x + 5.0,
                y + th - 4.0 + lm.descent,
                ls,
                [1.0; 3],
                1.0,
            );
        }
        y += th + 10.0;
        text.draw(
            &mut sheet,
            &row.title,
            MARGIN,
            y + nm.ascent,
            name_style,
            INK,
            1.0,
        );
        let title_w = text.measure(&row.title, name_style);
        text.draw(
            &mut sheet,
            &row.detail,
            MARGIN + title_w + 12.0,
            y + nm.ascent,
            body_style,
            MUTED,
            1.0,
        );
        y += nm.line_height;
        for l in &row.camera {
            text.draw(&mut sheet, l, MARGIN, y + bm.ascent, body_style, MUTED, 1.0);
            y += bm.line_height;
        }
        for l in &row.dialogue {
            text.draw(
                &mut sheet,
                l,
                MARGIN + 16.0,
                y + bm.ascent,
                body_style,
                INK,
                1.0,
            );
            y += bm.line_height;
        }
        y += GAP;
        if i + 1 < film.shots.len() {
            raster::fill_rect(
                &mut sheet,
                MARGIN,
                y - 1.0,
                width as f32 - MARGIN,
                y,
                [0.75; 3],
                1.0,
            );
        }
    }
    Ok(sheet)
}

/// A sheet from frames already rendered: `shots[i]` holds every frame of shot `i`.
pub fn contact_sheet_from_frames(
    film: &FilmSchedule,
    shots: &[Vec<RgbFrame>],
) -> Result<RgbFrame, RenderError> {
    contact_sheet(film, &mut |i, f| {
        let name = || {
            film.shots
                .get(i)
                .map(|s| s.name.clone())
                .unwrap_or_default()
        };
        shots
            .get(i)
            .and_then(|frames| frames.get(f as usize))
            .cloned()
            .ok_or_else(|| RenderError::Backend {
                backend: "storyboard".into(),
                shot: name(),
                message: format!("frame {f} was not rendered"),
            })
    })
}

/// A sheet rendered with the previz, rendering only the frames the sheet shows.
pub fn previz_contact_sheet(
    film: &FilmSchedule,
    previz: &Previz,
    project_root: &Path,
) -> Result<RgbFrame, RenderError> {
    let inputs = ShotInputs {
        project_root,
        continued_frame: None,
    };
    let mut rendered: Vec<Vec<RgbFrame>> = Vec::with_capacity(film.shots.len());
    for shot in &film.shots {
        rendered.push(previz.render_frames(film, shot, &inputs, &sample_frames(shot))?);
    }
    contact_sheet_from_samples(film, &rendered)
}

/// A sheet from the sampled frames only: `sampled[i]` holds shot `i`'s frames at
/// [`sample_frames`], in that order (what the previz renders, or a farm's cache decodes).
pub fn contact_sheet_from_samples(
    film: &FilmSchedule,
    sampled: &[Vec<RgbFrame>],
) -> Result<RgbFrame, RenderError> {
    contact_sheet(film, &mut |i, f| {
        let pos = film
            .shots
            .get(i)
            .and_then(|s| sample_frames(s).iter().position(|&g| g == f));
        pos.and_then(|p| sampled.get(i)?.get(p))
            .cloned()
            .ok_or_else(|| RenderError::Backend {
                backend: "storyboard".into(),
                shot: film
                    .shots
                    .get(i)
                    .map(|s| s.name.clone())
                    .unwrap_or_default(),
                message: format!("frame {f} is not on the sheet"),
            })
    })
}

/// Writes an RGB frame as an 8-bit PNG, to a temporary name beside `path` and then renamed, so a
/// crash never leaves a half-written file under the real name.
pub fn write_png(frame: &RgbFrame, path: &Path) -> Result<(), RenderError> {
    let io = |p: &Path, e: &dyn std::fmt::Display| RenderError::Io {
        path: p.to_path_buf(),
        message: e.to_string(),
    };
    let file_name = path
        .file_name()
        .ok_or_else(|| io(path, &"not a file path"))?;
    let mut tmp_name = std::ffi::OsString::from(".");
    tmp_name.push(file_name);
    tmp_name.push(format!(".{}.tmp", std::process::id()));
    let tmp: PathBuf = path.with_file_name(tmp_name);
    let result = (|| -> Result<(), RenderError> {
        let mut bytes = Vec::new();
        {
            let mut enc = png::Encoder::new(&mut bytes, frame.width, frame.height);
            enc.set_color(png::ColorType::Rgb);
            enc.set_depth(png::BitDepth::Eight);
            let mut writer = enc.write_header().map_err(|e| io(path, &e))?;
            writer
                .write_image_data(&frame.data)
                .map_err(|e| io(path, &e))?;
            writer.finish().map_err(|e| io(path, &e))?;
        }
        let mut file = std::fs::File::create(&tmp).map_err(|e| io(&tmp, &e))?;
        file.write_all(&bytes).map_err(|e| io(&tmp, &e))?;
        file.sync_all().map_err(|e| io(&tmp, &e))?;
        drop(file);
        std::fs::rename(&tmp, path).map_err(|e| io(path, &e))
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}
