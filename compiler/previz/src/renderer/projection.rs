//! The pinhole camera that turns a schedule's [`CameraFrame`] into screen positions and rays.
//!
//! World axes are those of the schedule: x right, y up, z forward, in metres; at yaw = pitch =
//! roll = 0 the camera looks along +z with +x to the right of the picture and +y up. The basis is
//!
//! ```text
//! forward f = ( sin(yaw)·cos(pitch),  sin(pitch),  cos(yaw)·cos(pitch) )
//! right0  r0 = ( cos(yaw), 0, -sin(yaw) )              (yaw > 0 turns right, towards +x)
//! up0     u0 = ( -sin(yaw)·sin(pitch), cos(pitch), -cos(yaw)·sin(pitch) )   (pitch > 0 tilts up)
//! right   r = r0·cos(roll) - u0·sin(roll)               (roll > 0 banks clockwise: the
//! up      u = u0·cos(roll) + r0·sin(roll)                camera's right side dips)
//! ```
//!
//! A point P has camera coordinates `(x_c, y_c, z_c) = ((P-C)·r, (P-C)·u, (P-C)·f)` and lands at
//! pixel `(W/2 + F·x_c/z_c, H/2 - F·y_c/z_c)`, where `F = focal_mm / 36 · W` is the focal length
//! in pixels of a full-frame sensor 36 mm wide (so the horizontal field of view is
//! `2·atan(18 / focal_mm)`: 65.5° at 28 mm, 39.6° at 50 mm, 23.9° at 85 mm). The ray through a
//! pixel centre `(s_x, s_y)` is `D = F·f + (s_x - W/2)·r + (H/2 - s_y)·u`: linear in the pixel
//! position, which lets the ground pass step along a row without any trigonometry, and whose
//! component along `f` is always `F`, so a hit at `C + t·D` lies at depth `t·F`.
//!
//! Trigonometry uses the pure-Rust `libm` so the basis is the same bits on every platform.

use scene_plan::schedule::CameraFrame;

pub type Vec3 = [f32; 3];

/// Closest distance in front of the camera that geometry is clipped at, in metres.
pub const NEAR: f32 = 0.05;

/// Sensor width the focal length refers to (full frame), in millimetres.
pub const SENSOR_WIDTH_MM: f64 = 36.0;

#[derive(Clone, Debug)]
pub struct View {
    pub pos: Vec3,
    pub right: Vec3,
    pub up: Vec3,
    pub fwd: Vec3,
    /// Focal length in pixels.
    pub focal_px: f32,
    pub width: f32,
    pub height: f32,
}

fn finite_or(v: f64, fallback: f64) -> f64 {
    if v.is_finite() {
        v
    } else {
        fallback
    }
}

impl View {
    pub fn new(cam: &CameraFrame, width: u32, height: u32) -> View {
        let deg = std::f64::consts::PI / 180.0;
        let yaw = finite_or(cam.yaw, 0.0) * deg;
        let pitch = finite_or(cam.pitch, 0.0).clamp(-89.9, 89.9) * deg;
        let roll = finite_or(cam.roll, 0.0) * deg;
        let focal = finite_or(cam.focal_mm, 50.0).clamp(2.0, 2000.0);
        let (sy, cy) = (libm::sin(yaw), libm::cos(yaw));
        let (sp, cp) = (libm::sin(pitch), libm::cos(pitch));
        let (sr, cr) = (libm::sin(roll), libm::cos(roll));
        let fwd = [sy * cp, sp, cy * cp];
        let r0 = [cy, 0.0, -sy];
        let u0 = [-sy * sp, cp, -cy * sp];
        let right = [0, 1, 2].map(|i| r0[i] * cr - u0[i] * sr);
        let up = [0, 1, 2].map(|i| u0[i] * cr + r0[i] * sr);
        let pos = cam.position.map(|v| finite_or(v, 0.0) as f32);
        View {
            pos,
            right: right.map(|v| v as f32),
            up: up.map(|v| v as f32),
            fwd: fwd.map(|v| v as f32),
            focal_px: (focal / SENSOR_WIDTH_MM * f64::from(width)) as f32,
            width: width as f32,
            height: height as f32,
        }
    }

    /// Camera-space coordinates of a world point: (right, up, depth).
    #[inline]
    pub fn to_camera(&self, p: Vec3) -> Vec3 {
        let d = [p[0] - self.pos[0], p[1] - self.pos[1], p[2] - self.pos[2]];
        [dot(d, self.right), dot(d, self.up), dot(d, self.fwd)]
    }

    /// Screen position of a camera-space point in front of the camera (`c[2] > 0`).
    #[inline]
    pub fn screen(&self, c: Vec3) -> (f32, f32) {
        let k = self.focal_px / c[2];
        (self.width * 0.5 + c[0] * k, self.height * 0.5 - c[1] * k)
    }

    /// Screen position and depth of a world point, if it lies in front of the near plane.
    pub fn project(&self, p: Vec3) -> Option<(f32, f32, f32)> {
        let c = self.to_camera(p);
        if c[2] <= NEAR {
            return None;
        }
        let (x, y) = self.screen(c);
        Some((x, y, c[2]))
    }

    /// Screen position of a direction at infinity (sun, moon, stars), if in front.
    pub fn project_direction(&self, d: Vec3) -> Option<(f32, f32)> {
        let c = [dot(d, self.right), dot(d, self.up), dot(d, self.fwd)];
        if c[2] <= 1e-3 {
            return None;
        }
        Some(self.screen(c))
    }

    /// The (unnormalised) ray through the pixel centre at column 0 of row `y`; moving one pixel
    /// right adds `self.right`.
    pub fn row_ray(&self, y: usize) -> Vec3 {
        let a = 0.5 - self.width * 0.5;
        let b = self.height * 0.5 - (y as f32 + 0.5);
        [0, 1, 2].map(|i| self.fwd[i] * self.focal_px + self.right[i] * a + self.up[i] * b)
    }
}

#[inline]
pub fn dot(a: Vec3, b: Vec3) -> f32 {
    a[0] * b[0] + a[1] * b[1] + a[2] * b[2]
}

#[inline]
pub fn normalize(a: Vec3) -> Vec3 {
    let l = dot(a, a).sqrt();
    if l > 0.0 {
        [a[0] / l, a[1] / l, a[2] / l]
    } else {
        [0.0, 0.0, 1.0]
    }
}
