use shipdeck_core::doctor::DoctorReport;
use shipdeck_core::{Result, Shipdeck};

use crate::input;

pub async fn doctor_run(core: &Shipdeck, path: Option<String>) -> Result<DoctorReport> {
    Ok(core
        .doctor(input::optional_path(path.as_deref())?.as_deref())
        .await)
}
