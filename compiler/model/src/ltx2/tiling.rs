//! Tiled VAE encoding and decoding as diffusers' `AutoencoderKLLTX2Video` does it: overlapping
//! tiles in space (rows, then columns) and in time (framewise), each blended linearly into its
//! predecessor and cut to the stride. Memory is bounded by one tile, whatever the video's size.
//!
//! The arithmetic is the same as LTX-Video's (`crate::vae`), over any encoder or decoder given
//! as a closure, in the same [`Tiling`] units (sample pixels and frames).

use candle_core::Tensor;

use crate::vae::Tiling;

/// Blends the first `extent` entries of `b` along `dim` with the last `extent` of `a`:
/// `b[k] = a[-extent + k]·(1 - k/extent) + b[k]·(k/extent)`.
fn blend(a: &Tensor, b: &Tensor, extent: usize, dim: usize) -> candle_core::Result<Tensor> {
    let extent = extent.min(a.dim(dim)?).min(b.dim(dim)?);
    if extent == 0 {
        return Ok(b.clone());
    }
    let (na, nb) = (a.dim(dim)?, b.dim(dim)?);
    let a_tail = a.narrow(dim, na - extent, extent)?;
    let b_head = b.narrow(dim, 0, extent)?;
    let mut shape = vec![1usize; b.rank()];
    shape[dim] = extent;
    let wb: Vec<f32> = (0..extent)
        .map(|k| (k as f64 / extent as f64) as f32)
        .collect();
    let wa: Vec<f32> = (0..extent)
        .map(|k| (1.0 - k as f64 / extent as f64) as f32)
        .collect();
    let wa = Tensor::from_vec(wa, shape.clone(), b.device())?.to_dtype(b.dtype())?;
    let wb = Tensor::from_vec(wb, shape, b.device())?.to_dtype(b.dtype())?;
    let head = a_tail
        .broadcast_mul(&wa)?
        .add(&b_head.broadcast_mul(&wb)?)?;
    if extent == nb {
        return Ok(head);
    }
    Tensor::cat(&[&head, &b.narrow(dim, extent, nb - extent)?], dim)
}

/// Stitches a grid of tiles: each blended with the (already blended) tile above and to its
/// left, then cut to `keep` rows and columns.
fn stitch(
    mut rows: Vec<Vec<Tensor>>,
    blend_hw: (usize, usize),
    keep: (usize, usize),
) -> candle_core::Result<Tensor> {
    let mut out_rows = Vec::new();
    for i in 0..rows.len() {
        let mut out_row = Vec::new();
        for j in 0..rows[i].len() {
            let mut tile = rows[i][j].clone();
            if i > 0 {
                tile = blend(&rows[i - 1][j], &tile, blend_hw.0, 3)?;
            }
            if j > 0 {
                tile = blend(&rows[i][j - 1], &tile, blend_hw.1, 4)?;
            }
            rows[i][j] = tile.clone();
            let th = tile.dim(3)?.min(keep.0);
            let tw = tile.dim(4)?.min(keep.1);
            out_row.push(tile.narrow(3, 0, th)?.narrow(4, 0, tw)?);
        }
        out_rows.push(Tensor::cat(&out_row, 4)?);
    }
    Tensor::cat(&out_rows, 3)
}

/// Joins temporal tiles: each blended over `blend_t` frames into its predecessor, the first
/// kept for `stride + 1` frames, the others for `stride`.
fn join_time(mut row: Vec<Tensor>, blend_t: usize, stride: usize) -> candle_core::Result<Tensor> {
    let mut out = Vec::new();
    for i in 0..row.len() {
        if i > 0 {
            let tile = blend(&row[i - 1], &row[i], blend_t, 2)?;
            row[i] = tile.clone();
            let n = tile.dim(2)?.min(stride);
            out.push(tile.narrow(2, 0, n)?);
        } else {
            let n = row[i].dim(2)?.min(stride + 1);
            out.push(row[i].narrow(2, 0, n)?);
        }
    }
    Tensor::cat(&out, 2)
}

fn too_small() -> candle_core::Error {
    candle_core::Error::Msg("tile size or stride is smaller than one latent".into())
}

/// Decodes latents `z` [B, C, F, H, W] tile by tile with `decode`.
pub(crate) fn decode_tiled(
    z: &Tensor,
    t: &Tiling,
    (sc, tc): (usize, usize),
    decode: &mut dyn FnMut(&Tensor) -> candle_core::Result<Tensor>,
) -> candle_core::Result<Tensor> {
    let (_, _, f, h, w) = z.dims5()?;
    if t.temporal && f > t.min_frames / tc {
        return decode_time(z, t, (sc, tc), decode);
    }
    if t.spatial && (w > t.min_width / sc || h > t.min_height / sc) {
        return decode_space(z, t, sc, decode);
    }
    decode(z)
}

fn decode_space(
    z: &Tensor,
    t: &Tiling,
    sc: usize,
    decode: &mut dyn FnMut(&Tensor) -> candle_core::Result<Tensor>,
) -> candle_core::Result<Tensor> {
    let (_, _, _, h, w) = z.dims5()?;
    let (min_h, min_w) = (t.min_height / sc, t.min_width / sc);
    let (stride_h, stride_w) = (t.stride_height / sc, t.stride_width / sc);
    if stride_h == 0 || stride_w == 0 || min_h == 0 || min_w == 0 {
        return Err(too_small());
    }
    let blend_hw = (
        t.min_height.saturating_sub(t.stride_height),
        t.min_width.saturating_sub(t.stride_width),
    );
    let mut rows = Vec::new();
    for i in (0..h).step_by(stride_h) {
        let mut row = Vec::new();
        for j in (0..w).step_by(stride_w) {
            let tile = z
                .narrow(3, i, min_h.min(h - i))?
                .narrow(4, j, min_w.min(w - j))?;
            row.push(decode(&tile)?);
        }
        rows.push(row);
    }
    let dec = stitch(rows, blend_hw, (t.stride_height, t.stride_width))?;
    dec.narrow(3, 0, (h * sc).min(dec.dim(3)?))?
        .narrow(4, 0, (w * sc).min(dec.dim(4)?))
}

fn decode_time(
    z: &Tensor,
    t: &Tiling,
    (sc, tc): (usize, usize),
    decode: &mut dyn FnMut(&Tensor) -> candle_core::Result<Tensor>,
) -> candle_core::Result<Tensor> {
    let (_, _, f, _, _) = z.dims5()?;
    let n_sample = (f - 1) * tc + 1;
    let min_lat = t.min_frames / tc;
    let stride_lat = t.stride_frames / tc;
    if stride_lat == 0 {
        return Err(too_small());
    }
    let mut row = Vec::new();
    for i in (0..f).step_by(stride_lat) {
        let tile = z.narrow(2, i, (min_lat + 1).min(f - i))?;
        let (th, tw) = (tile.dim(3)?, tile.dim(4)?);
        let mut decoded = if t.spatial && (tw > t.min_width / sc || th > t.min_height / sc) {
            decode_space(&tile, t, sc, decode)?
        } else {
            decode(&tile)?
        };
        if i > 0 {
            let n = decoded.dim(2)?;
            decoded = decoded.narrow(2, 0, n - 1)?;
        }
        row.push(decoded);
    }
    let dec = join_time(
        row,
        t.min_frames.saturating_sub(t.stride_frames),
        t.stride_frames,
    )?;
    dec.narrow(2, 0, n_sample.min(dec.dim(2)?))
}

/// Encodes video [B, 3, F, H, W] tile by tile with `encode` (which returns moments).
pub(crate) fn encode_tiled(
    video: &Tensor,
    t: &Tiling,
    (sc, tc): (usize, usize),
    encode: &mut dyn FnMut(&Tensor) -> candle_core::Result<Tensor>,
) -> candle_core::Result<Tensor> {
    let (_, _, f, h, w) = video.dims5()?;
    if t.temporal && f > t.min_frames {
        return encode_time(video, t, (sc, tc), encode);
    }
    if t.spatial && (w > t.min_width || h > t.min_height) {
        return encode_space(video, t, sc, encode);
    }
    encode(video)
}

fn encode_space(
    video: &Tensor,
    t: &Tiling,
    sc: usize,
    encode: &mut dyn FnMut(&Tensor) -> candle_core::Result<Tensor>,
) -> candle_core::Result<Tensor> {
    let (_, _, _, h, w) = video.dims5()?;
    if t.stride_height < sc || t.stride_width < sc || t.min_height < sc || t.min_width < sc {
        return Err(too_small());
    }
    let (stride_h, stride_w) = (t.stride_height / sc, t.stride_width / sc);
    let blend_hw = (t.min_height / sc - stride_h, t.min_width / sc - stride_w);
    let mut rows = Vec::new();
    for i in (0..h).step_by(t.stride_height) {
        let mut row = Vec::new();
        for j in (0..w).step_by(t.stride_width) {
            let tile = video.narrow(3, i, t.min_height.min(h - i))?.narrow(
                4,
                j,
                t.min_width.min(w - j),
            )?;
            row.push(encode(&tile)?);
        }
        rows.push(row);
    }
    let enc = stitch(rows, blend_hw, (stride_h, stride_w))?;
    enc.narrow(3, 0, (h / sc).min(enc.dim(3)?))?
        .narrow(4, 0, (w / sc).min(enc.dim(4)?))
}

fn encode_time(
    video: &Tensor,
    t: &Tiling,
    (sc, tc): (usize, usize),
    encode: &mut dyn FnMut(&Tensor) -> candle_core::Result<Tensor>,
) -> candle_core::Result<Tensor> {
    let (_, _, f, h, w) = video.dims5()?;
    let latent_frames = (f - 1) / tc + 1;
    if t.stride_frames < tc || t.min_frames < tc {
        return Err(too_small());
    }
    let stride_lat = t.stride_frames / tc;
    let mut row = Vec::new();
    for i in (0..f).step_by(t.stride_frames) {
        let tile = video.narrow(2, i, (t.min_frames + 1).min(f - i))?;
        let mut enc = if t.spatial && (w > t.min_width || h > t.min_height) {
            encode_space(&tile, t, sc, encode)?
        } else {
            encode(&tile)?
        };
        if i > 0 {
            let n = enc.dim(2)?;
            enc = enc.narrow(2, 1, n - 1)?;
        }
        row.push(enc);
    }
    let enc = join_time(row, t.min_frames / tc - stride_lat, stride_lat)?;
    enc.narrow(2, 0, latent_frames.min(enc.dim(2)?))
}
