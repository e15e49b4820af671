//! Video frames as the backends produce them and the compositor consumes them.

use std::sync::Mutex;

use crate::image::{RgbView, Size};

/// A frame of packed 8-bit RGB, row-major, top row first, no padding.
#[derive(Clone, PartialEq, Eq)]
pub struct RgbFrame {
    pub width: u32,
    pub height: u32,
    pub data: Vec<u8>,
}

/// Pixel buffers given back by [`RgbFrame::recycle`], for [`RgbFrame::new`] to reuse.
///
/// A render allocates a frame-sized buffer for every frame it draws and frees it a few frames
/// later on another thread; fresh allocations of that size come from the kernel as new pages,
/// and zeroing them on first touch cost more CPU than drawing a previz sky. A handful of
/// buffers circulate instead.
static POOL: Mutex<Vec<Vec<u8>>> = Mutex::new(Vec::new());

/// Buffers kept at most (at 768x512, 19 MB).
const POOL_MAX: usize = 16;

/// A buffer of `len` bytes from [`POOL`], holding an earlier frame's pixels.
fn pooled(len: usize) -> Option<Vec<u8>> {
    let mut pool = POOL.lock().ok()?;
    let i = pool.iter().position(|b| b.len() == len)?;
    Some(pool.swap_remove(i))
}

impl RgbFrame {
    /// A black frame.
    pub fn new(width: u32, height: u32) -> Self {
        let len = width as usize * height as usize * 3;
        let data = match pooled(len) {
            Some(mut data) => {
                data.fill(0);
                data
            }
            None => vec![0; len],
        };
        RgbFrame {
            width,
            height,
            data,
        }
    }

    /// A frame whose pixels are whatever an earlier frame of the pool left there (black when
    /// the pool has none), for a caller that writes every pixel before anything reads one:
    /// blacking 1.2 MB first would be wasted (about 2% of a 768x512 interior's render).
    pub fn overwritten(width: u32, height: u32) -> Self {
        let len = width as usize * height as usize * 3;
        RgbFrame {
            width,
            height,
            data: pooled(len).unwrap_or_else(|| vec![0; len]),
        }
    }

    /// Give the frame's buffer back for a later [`RgbFrame::new`] of the same size.
    pub fn recycle(self) {
        if let Ok(mut pool) = POOL.lock() {
            if pool.len() < POOL_MAX {
                pool.push(self.data);
            }
        }
    }

    pub fn filled(width: u32, height: u32, rgb: [u8; 3]) -> Self {
        let mut data = Vec::with_capacity(width as usize * height as usize * 3);
        for _ in 0..width as usize * height as usize {
            data.extend_from_slice(&rgb);
        }
        RgbFrame {
            width,
            height,
            data,
        }
    }

    /// The pixels as the scaler takes them; `None` when `data` does not match the size or a
    /// side is zero.
    pub fn view(&self) -> Option<RgbView<'_>> {
        RgbView::new(Size::new(self.width, self.height), &self.data)
    }

    #[inline]
    pub fn pixel(&self, x: u32, y: u32) -> [u8; 3] {
        let i = (y as usize * self.width as usize + x as usize) * 3;
        [self.data[i], self.data[i + 1], self.data[i + 2]]
    }

    #[inline]
    pub fn put(&mut self, x: u32, y: u32, rgb: [u8; 3]) {
        let i = (y as usize * self.width as usize + x as usize) * 3;
        self.data[i..i + 3].copy_from_slice(&rgb);
    }
}

impl std::fmt::Debug for RgbFrame {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "RgbFrame({}x{})", self.width, self.height)
    }
}
