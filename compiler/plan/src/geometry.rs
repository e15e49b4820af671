//! The small amount of 3D maths the planner needs: points, a camera pose, and perspective
//! projection onto the frame. Conventions (docs/camera-model.md): x right, y up, z forward;
//! metres and degrees; yaw turns right, pitch tilts up, roll banks clockwise; the sensor is
//! 24 mm high and as wide as the frame's aspect ratio makes it.

use std::ops::{Add, Mul, Sub};

/// Height of the full-frame sensor the focal lengths refer to.
pub const SENSOR_HEIGHT_MM: f64 = 24.0;
/// Points closer to the camera than this along its view axis are treated as behind it.
pub const NEAR_M: f64 = 0.05;

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Vec3 {
    pub x: f64,
    pub y: f64,
    pub z: f64,
}

impl Vec3 {
    pub const ZERO: Vec3 = Vec3 {
        x: 0.0,
        y: 0.0,
        z: 0.0,
    };

    pub const fn new(x: f64, y: f64, z: f64) -> Self {
        Vec3 { x, y, z }
    }

    pub fn dot(self, o: Vec3) -> f64 {
        self.x * o.x + self.y * o.y + self.z * o.z
    }

    pub fn cross(self, o: Vec3) -> Vec3 {
        Vec3::new(
            self.y * o.z - self.z * o.y,
            self.z * o.x - self.x * o.z,
            self.x * o.y - self.y * o.x,
        )
    }

    pub fn length(self) -> f64 {
        self.dot(self).sqrt()
    }

    pub fn lerp(self, o: Vec3, t: f64) -> Vec3 {
        self + (o - self) * t
    }

    pub fn to_array(self) -> [f64; 3] {
        [self.x, self.y, self.z]
    }
}

impl Add for Vec3 {
    type Output = Vec3;
    fn add(self, o: Vec3) -> Vec3 {
        Vec3::new(self.x + o.x, self.y + o.y, self.z + o.z)
    }
}

impl Sub for Vec3 {
    type Output = Vec3;
    fn sub(self, o: Vec3) -> Vec3 {
        Vec3::new(self.x - o.x, self.y - o.y, self.z - o.z)
    }
}

impl Mul<f64> for Vec3 {
    type Output = Vec3;
    fn mul(self, k: f64) -> Vec3 {
        Vec3::new(self.x * k, self.y * k, self.z * k)
    }
}

/// Yaw (degrees) that points a camera at `position` towards `target`, and the pitch to match.
pub fn aim(position: Vec3, target: Vec3) -> (f64, f64) {
    let d = target - position;
    let horizontal = (d.x * d.x + d.z * d.z).sqrt();
    let yaw = d.x.atan2(d.z).to_degrees();
    let pitch = d.y.atan2(horizontal).to_degrees();
    (yaw, pitch)
}

/// A camera at one instant.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Pose {
    pub position: Vec3,
    pub yaw: f64,
    pub pitch: f64,
    pub roll: f64,
    pub focal_mm: f64,
}

/// A pose's orthonormal basis.
#[derive(Clone, Copy, Debug)]
pub struct Basis {
    pub right: Vec3,
    pub up: Vec3,
    pub forward: Vec3,
}

impl Pose {
    pub fn basis(&self) -> Basis {
        let (yaw, pitch, roll) = (
            self.yaw.to_radians(),
            self.pitch.to_radians(),
            self.roll.to_radians(),
        );
        let forward = Vec3::new(
            yaw.sin() * pitch.cos(),
            pitch.sin(),
            yaw.cos() * pitch.cos(),
        );
        let right0 = Vec3::new(yaw.cos(), 0.0, -yaw.sin());
        let up0 = forward.cross(right0);
        // Banking clockwise (as seen from behind the camera) dips the right side down.
        let (s, c) = roll.sin_cos();
        let right = right0 * c - up0 * s;
        let up = up0 * c + right0 * s;
        Basis { right, up, forward }
    }

    /// Tangent of half the vertical field of view.
    pub fn tan_half_vfov(&self) -> f64 {
        SENSOR_HEIGHT_MM / 2.0 / self.focal_mm
    }

    /// Where `point` lands on the frame, in fractions (origin top-left), and its depth along the
    /// view axis; `None` when it is behind the near plane.
    pub fn project(&self, point: Vec3, aspect: f64) -> Option<(f64, f64, f64)> {
        let b = self.basis();
        let v = point - self.position;
        let depth = v.dot(b.forward);
        if depth < NEAR_M {
            return None;
        }
        let tv = self.tan_half_vfov();
        let th = tv * aspect;
        let sx = 0.5 + 0.5 * v.dot(b.right) / (depth * th);
        let sy = 0.5 - 0.5 * v.dot(b.up) / (depth * tv);
        Some((sx, sy, depth))
    }

    /// Depth of `point` along the view axis (negative behind the camera).
    pub fn depth_of(&self, point: Vec3) -> f64 {
        (point - self.position).dot(self.basis().forward)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pose(yaw: f64, pitch: f64, roll: f64) -> Pose {
        Pose {
            position: Vec3::ZERO,
            yaw,
            pitch,
            roll,
            focal_mm: 50.0,
        }
    }

    #[test]
    fn straight_ahead_is_the_centre() {
        let (x, y, d) = pose(0.0, 0.0, 0.0)
            .project(Vec3::new(0.0, 0.0, 5.0), 1.5)
            .unwrap();
        assert!((x - 0.5).abs() < 1e-12 && (y - 0.5).abs() < 1e-12 && (d - 5.0).abs() < 1e-12);
    }

    #[test]
    fn yaw_right_faces_positive_x() {
        let b = pose(90.0, 0.0, 0.0).basis();
        assert!((b.forward.x - 1.0).abs() < 1e-12);
        assert!((b.right.z + 1.0).abs() < 1e-12);
        assert!((b.up.y - 1.0).abs() < 1e-12);
    }

    #[test]
    fn points_right_and_up_land_right_and_high() {
        let p = pose(0.0, 0.0, 0.0);
        let (x, y, _) = p.project(Vec3::new(1.0, 1.0, 5.0), 1.5).unwrap();
        assert!(x > 0.5 && y < 0.5);
        assert!(p.project(Vec3::new(0.0, 0.0, -1.0), 1.5).is_none());
    }

    #[test]
    fn clockwise_roll_tilts_the_horizon_the_other_way() {
        // A point to the right on the horizon appears higher when the camera banks clockwise.
        let (_, y, _) = pose(0.0, 0.0, 10.0)
            .project(Vec3::new(1.0, 0.0, 5.0), 1.5)
            .unwrap();
        assert!(y < 0.5);
    }

    #[test]
    fn aim_points_the_view_axis_at_the_target() {
        let from = Vec3::new(1.0, 2.0, -3.0);
        let to = Vec3::new(-2.0, 0.5, 4.0);
        let (yaw, pitch) = aim(from, to);
        let p = Pose {
            position: from,
            yaw,
            pitch,
            roll: 0.0,
            focal_mm: 35.0,
        };
        let (x, y, _) = p.project(to, 1.5).unwrap();
        assert!((x - 0.5).abs() < 1e-9 && (y - 0.5).abs() < 1e-9);
    }
}
