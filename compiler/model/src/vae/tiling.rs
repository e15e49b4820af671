//! Tiled encoding and decoding: overlapping tiles in space and time, blended linearly as
//! diffusers' `enable_tiling` and framewise decoding do, so memory is bounded by the tile size.

use candle_core::Tensor;

use super::{LtxVae, Posterior};
use crate::rng::NoiseRng;

/// Decode tiling in sample pixels/frames, as diffusers' `enable_tiling` plus framewise decoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tiling {
    pub min_height: usize,
    pub min_width: usize,
    pub min_frames: usize,
    pub stride_height: usize,
    pub stride_width: usize,
    pub stride_frames: usize,
    /// Split along space when the latent is larger than one tile.
    pub spatial: bool,
    /// Split along time when the latent has more frames than one tile.
    pub temporal: bool,
}

impl Default for Tiling {
    fn default() -> Self {
        Self {
            min_height: 512,
            min_width: 512,
            min_frames: 16,
            stride_height: 448,
            stride_width: 448,
            stride_frames: 8,
            spatial: true,
            temporal: true,
        }
    }
}

impl LtxVae {
    /// Decodes in overlapping tiles blended linearly, bounding memory by the tile size.
    /// Produces what diffusers' tiled and framewise decoding produce.
    pub fn decode_tiled(
        &self,
        z: &Tensor,
        timestep: Option<&Tensor>,
        rng: &mut NoiseRng,
        tiling: &Tiling,
    ) -> candle_core::Result<Tensor> {
        let sc = self.cfg.spatial_compression();
        let tc = self.cfg.temporal_compression();
        let (_, _, f, h, w) = z.dims5()?;
        if tiling.temporal && f > tiling.min_frames / tc {
            return self.decode_temporal_tiles(z, timestep, rng, tiling);
        }
        if tiling.spatial && (w > tiling.min_width / sc || h > tiling.min_height / sc) {
            return self.decode_spatial_tiles(z, timestep, rng, tiling);
        }
        self.decode(z, timestep, rng)
    }

    fn decode_spatial_tiles(
        &self,
        z: &Tensor,
        timestep: Option<&Tensor>,
        rng: &mut NoiseRng,
        t: &Tiling,
    ) -> candle_core::Result<Tensor> {
        let sc = self.cfg.spatial_compression();
        let (_, _, _, h, w) = z.dims5()?;
        let (min_h, min_w) = (t.min_height / sc, t.min_width / sc);
        let (stride_h, stride_w) = (t.stride_height / sc, t.stride_width / sc);
        if stride_h == 0 || stride_w == 0 || min_h == 0 || min_w == 0 {
            return Err(candle_core::Error::Msg(
                "tile size or stride is smaller than one latent".into(),
            ));
        }
        let blend_h = t.min_height.saturating_sub(t.stride_height);
        let blend_w = t.min_width.saturating_sub(t.stride_width);
        let mut rows: Vec<Vec<Tensor>> = Vec::new();
        for i in (0..h).step_by(stride_h) {
            let mut row = Vec::new();
            for j in (0..w).step_by(stride_w) {
                let tile = z
                    .narrow(3, i, min_h.min(h - i))?
                    .narrow(4, j, min_w.min(w - j))?;
                row.push(self.decode(&tile, timestep, rng)?);
            }
            rows.push(row);
        }
        let dec = stitch_spatial(rows, (blend_h, blend_w), (t.stride_height, t.stride_width))?;
        let (sh, sw) = (h * sc, w * sc);
        dec.narrow(3, 0, sh.min(dec.dim(3)?))?
            .narrow(4, 0, sw.min(dec.dim(4)?))
    }

    fn decode_temporal_tiles(
        &self,
        z: &Tensor,
        timestep: Option<&Tensor>,
        rng: &mut NoiseRng,
        t: &Tiling,
    ) -> candle_core::Result<Tensor> {
        let sc = self.cfg.spatial_compression();
        let tc = self.cfg.temporal_compression();
        let f = z.dim(2)?;
        let n_sample = (f - 1) * tc + 1;
        let min_lat_t = t.min_frames / tc;
        let stride_lat_t = t.stride_frames / tc;
        if stride_lat_t == 0 {
            return Err(candle_core::Error::Msg(
                "temporal tile stride is smaller than one latent frame".into(),
            ));
        }
        let blend_t = t.min_frames.saturating_sub(t.stride_frames);
        let mut row = Vec::new();
        for i in (0..f).step_by(stride_lat_t) {
            let tile = z.narrow(2, i, (min_lat_t + 1).min(f - i))?;
            let (th, tw) = (tile.dim(3)?, tile.dim(4)?);
            let mut decoded = if t.spatial && (tw > t.min_width / sc || th > t.min_height / sc) {
                self.decode_spatial_tiles(&tile, timestep, rng, t)?
            } else {
                self.decode(&tile, timestep, rng)?
            };
            if i > 0 {
                let n = decoded.dim(2)?;
                decoded = decoded.narrow(2, 0, n - 1)?;
            }
            row.push(decoded);
        }
        let mut out = Vec::new();
        for i in 0..row.len() {
            if i > 0 {
                let tile = blend(&row[i - 1], &row[i], blend_t, 2)?;
                row[i] = tile.clone();
                let n = tile.dim(2)?.min(t.stride_frames);
                out.push(tile.narrow(2, 0, n)?);
            } else {
                let n = row[i].dim(2)?.min(t.stride_frames + 1);
                out.push(row[i].narrow(2, 0, n)?);
            }
        }
        let dec = Tensor::cat(&out, 2)?;
        dec.narrow(2, 0, n_sample.min(dec.dim(2)?))
    }

    /// Encodes in overlapping tiles blended linearly, bounding memory by the tile size, as
    /// diffusers' tiled and framewise encoding do (same thresholds and strides as decoding, in
    /// sample pixels and frames). Equals [`LtxVae::encode`] when the video fits in one tile.
    pub fn encode_tiled(&self, video: &Tensor, tiling: &Tiling) -> candle_core::Result<Posterior> {
        Posterior::from_moments(&self.encode_moments_tiled(video, tiling)?)
    }

    fn encode_moments_tiled(&self, video: &Tensor, t: &Tiling) -> candle_core::Result<Tensor> {
        let (_, _, f, h, w) = video.dims5()?;
        if t.temporal && f > t.min_frames {
            return self.encode_temporal_tiles(video, t);
        }
        if t.spatial && (w > t.min_width || h > t.min_height) {
            return self.encode_spatial_tiles(video, t);
        }
        self.encode_moments(video)
    }

    fn encode_spatial_tiles(&self, video: &Tensor, t: &Tiling) -> candle_core::Result<Tensor> {
        let sc = self.cfg.spatial_compression();
        let (_, _, _, h, w) = video.dims5()?;
        if t.stride_height < sc || t.stride_width < sc || t.min_height < sc || t.min_width < sc {
            return Err(candle_core::Error::Msg(
                "tile size or stride is smaller than one latent".into(),
            ));
        }
        let (stride_h, stride_w) = (t.stride_height / sc, t.stride_width / sc);
        let blend_h = t.min_height / sc - stride_h;
        let blend_w = t.min_width / sc - stride_w;
        let mut rows: Vec<Vec<Tensor>> = Vec::new();
        for i in (0..h).step_by(t.stride_height) {
            let mut row = Vec::new();
            for j in (0..w).step_by(t.stride_width) {
                let tile = video.narrow(3, i, t.min_height.min(h - i))?.narrow(
                    4,
                    j,
                    t.min_width.min(w - j),
                )?;
                row.push(self.encode_moments(&tile)?);
            }
            rows.push(row);
        }
        let enc = stitch_spatial(rows, (blend_h, blend_w), (stride_h, stride_w))?;
        let (lh, lw) = (h / sc, w / sc);
        enc.narrow(3, 0, lh.min(enc.dim(3)?))?
            .narrow(4, 0, lw.min(enc.dim(4)?))
    }

    fn encode_temporal_tiles(&self, video: &Tensor, t: &Tiling) -> candle_core::Result<Tensor> {
        let tc = self.cfg.temporal_compression();
        let (_, _, f, h, w) = video.dims5()?;
        let latent_frames = (f - 1) / tc + 1;
        if t.stride_frames < tc || t.min_frames < tc {
            return Err(candle_core::Error::Msg(
                "temporal tile stride is smaller than one latent frame".into(),
            ));
        }
        let stride_lat = t.stride_frames / tc;
        let blend_t = t.min_frames / tc - stride_lat;
        let mut row = Vec::new();
        for i in (0..f).step_by(t.stride_frames) {
            let tile = video.narrow(2, i, (t.min_frames + 1).min(f - i))?;
            let mut enc = if t.spatial && (w > t.min_width || h > t.min_height) {
                self.encode_spatial_tiles(&tile, t)?
            } else {
                self.encode_moments(&tile)?
            };
            if i > 0 {
                let n = enc.dim(2)?;
                enc = enc.narrow(2, 1, n - 1)?;
            }
            row.push(enc);
        }
        let mut out = Vec::new();
        for i in 0..row.len() {
            if i > 0 {
                let tile = blend(&row[i - 1], &row[i], blend_t, 2)?;
                row[i] = tile.clone();
                let n = tile.dim(2)?.min(stride_lat);
                out.push(tile.narrow(2, 0, n)?);
            } else {
                let n = row[i].dim(2)?.min(stride_lat + 1);
                out.push(row[i].narrow(2, 0, n)?);
            }
        }
        let enc = Tensor::cat(&out, 2)?;
        enc.narrow(2, 0, latent_frames.min(enc.dim(2)?))
    }
}

/// Joins a grid of overlapping tiles [.., H, W]: each tile's top `blend.0` rows and left
/// `blend.1` columns are cross-faded with its neighbours above and to the left, then its first
/// `keep` rows and columns are kept. diffusers blends in place, so later tiles see their
/// neighbours' blended values; so does this.
fn stitch_spatial(
    mut rows: Vec<Vec<Tensor>>,
    blend: (usize, usize),
    keep: (usize, usize),
) -> candle_core::Result<Tensor> {
    let mut out_rows = Vec::new();
    for i in 0..rows.len() {
        let mut out_row = Vec::new();
        for j in 0..rows[i].len() {
            let mut tile = rows[i][j].clone();
            if i > 0 {
                tile = self::blend(&rows[i - 1][j], &tile, blend.0, 3)?;
            }
            if j > 0 {
                tile = self::blend(&rows[i][j - 1], &tile, blend.1, 4)?;
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

/// Blends the first `extent` entries of `b` along `dim` with the last `extent` of `a`:
/// b[k] = a[-extent + k] * (1 - k/extent) + b[k] * (k/extent).
fn blend(a: &Tensor, b: &Tensor, extent: usize, dim: usize) -> candle_core::Result<Tensor> {
    let extent = extent.min(a.dim(dim)?).min(b.dim(dim)?);
    if extent == 0 {
        return Ok(b.clone());
    }
    let na = a.dim(dim)?;
    let nb = b.dim(dim)?;
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
    let wa = Tensor::from_vec(wa, shape.clone(), b.device())?;
    let wb = Tensor::from_vec(wb, shape, b.device())?;
    let head = a_tail
        .broadcast_mul(&wa)?
        .add(&b_head.broadcast_mul(&wb)?)?;
    if extent == nb {
        return Ok(head);
    }
    Tensor::cat(&[&head, &b.narrow(dim, extent, nb - extent)?], dim)
}
