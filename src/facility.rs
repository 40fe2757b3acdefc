//! The `facility` pipeline: a site's weather and an IT load through the
//! facility model, into energy, water, cost and carbon.

use crate::catalog::{Site, SiteClimate, Tariff};
use crate::model::facility::climate::{Normals, Weather};
use crate::model::facility::{Cooling, Design, Hour, Mode, Totals, Ups, Year};
use serde::Serialize;

/// The typical year of a site's climate table; `None` if the table gives no
/// humidity (the catalog loader rejects such a table).
pub fn typical_year(c: &SiteClimate) -> Option<Weather> {
    let normals = match (c.dew_point_c, c.rh_pct) {
        (Some(td), _) => Normals { tmax_c: c.tmax_c, tmin_c: c.tmin_c, dew_point_c: td },
        (None, Some(rh)) => Normals::from_humidity(c.tmax_c, c.tmin_c, rh),
        (None, None) => return None,
    };
    Some(Weather::typical_year(&normals))
}

/// IT load over the run.
#[derive(Debug, Clone, PartialEq)]
pub enum Load {
    /// The same share of capacity every hour of one year.
    Constant(f64),
    /// IT power per hour \[kW\]; the run lasts as many hours.
    Series(Vec<f64>),
}

/// Where the weather comes from, for the report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WeatherSource {
    /// `typical year` or `file`.
    pub kind: String,
    /// Station and data set, or the file's path.
    pub from: String,
}

/// A resolved request.
#[derive(Debug, Clone)]
pub struct Request<'a> {
    /// Site, if any.
    pub site: Option<&'a Site>,
    /// Its tariff, if any.
    pub tariff: Option<&'a Tariff>,
    /// The hall.
    pub design: Design,
    /// Weather year.
    pub weather: Weather,
    /// Its origin.
    pub weather_source: WeatherSource,
    /// IT load.
    pub load: Load,
    /// Electricity price \[USD/kWh\], if known.
    pub usd_per_kwh: Option<f64>,
    /// A PUE someone claims for this hall (a scenario's `facility.pue`), to set beside the model's.
    pub claimed_pue: Option<f64>,
    /// How the load was built, when not as given (a short series repeated).
    pub load_note: Option<String>,
}

/// What `facility` reports.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FacilityReport {
    /// Site id.
    pub site: Option<String>,
    /// Site name.
    pub site_name: Option<String>,
    /// Weather used.
    pub weather: WeatherSource,
    /// Cooling design.
    pub cooling: Cooling,
    /// Coolant (liquid) or chilled-water (air, hybrid) supply \[°C\].
    pub supply_temp_c: f64,
    /// UPS topology.
    pub ups: Ups,
    /// Installed UPS and distribution capacity per unit of IT capacity.
    pub redundancy: f64,
    /// Evaporative heat rejection allowed.
    pub evaporative: bool,
    /// Share of IT heat into liquid at the rack.
    pub liquid_capture: f64,
    /// IT capacity of the hall \[MW\].
    pub it_capacity_mw: f64,
    /// Mean IT power over capacity.
    pub load_factor: f64,
    /// Hours run.
    pub hours: usize,
    /// Annual figures.
    #[serde(flatten)]
    pub totals: Totals,
    /// Electricity price \[USD/kWh\].
    pub electricity_usd_per_kwh: Option<f64>,
    /// Facility energy at that price \[USD\].
    pub energy_cost_usd: Option<f64>,
    /// Grid carbon intensity \[gCO2e/kWh\].
    pub grid_gco2_per_kwh: Option<f64>,
    /// Facility energy times grid intensity \[tCO2e\] (location-based, no PPAs).
    pub carbon_tco2e: Option<f64>,
    /// The PUE claimed for the hall, if any.
    pub claimed_pue: Option<f64>,
    /// How the load was built, when not as given.
    pub load_note: Option<String>,
    /// The run's hottest dry bulb \[°C\].
    pub hottest_hour_dry_bulb_c: f64,
}

/// The run's hourly detail, for CSV.
#[derive(Debug, Clone, PartialEq)]
pub struct Hourly {
    /// Weather of each hour.
    pub weather: Weather,
    /// Results.
    pub year: Year,
}

/// Runs a request.
pub fn run(r: &Request<'_>) -> (FacilityReport, Hourly) {
    let w = &r.weather;
    let cap = r.design.capacity_kw;
    let (hours, load): (usize, Box<dyn Fn(usize) -> f64 + '_>) = match &r.load {
        Load::Constant(f) => (w.len(), Box::new(move |_| cap * f)),
        Load::Series(s) => (s.len(), Box::new(move |h| s[h])),
    };
    // A series longer or shorter than the weather wraps around it.
    let weather = if hours == w.len() {
        w.clone()
    } else {
        let at = |v: &Vec<f64>| (0..hours).map(|h| v[h % w.len()]).collect::<Vec<f64>>();
        Weather {
            dry_bulb_c: at(&w.dry_bulb_c),
            wet_bulb_c: at(&w.wet_bulb_c),
            rh_pct: at(&w.rh_pct),
            month: (0..hours).map(|h| w.month[h % w.len()]).collect(),
        }
    };
    let year = r.design.run(&weather, load);
    let totals = year.totals(&weather.month);
    let usd = r.usd_per_kwh;
    let gco2 = r.tariff.and_then(|t| t.gco2_per_kwh.as_ref()).map(|g| g.value);
    let it_mean_kw = if hours > 0 { totals.it_energy_mwh * 1e3 / hours as f64 } else { 0.0 };
    let report = FacilityReport {
        site: r.site.map(|s| s.id.get_ref().clone()),
        site_name: r.site.map(|s| s.name.clone()),
        weather: r.weather_source.clone(),
        cooling: r.design.cooling,
        supply_temp_c: r.design.supply_c,
        ups: r.design.ups,
        redundancy: r.design.params.redundancy,
        evaporative: r.design.evaporative,
        liquid_capture: if r.design.cooling == Cooling::Air { 0.0 } else { r.design.liquid_capture },
        it_capacity_mw: cap / 1e3,
        load_factor: if cap > 0.0 { it_mean_kw / cap } else { 0.0 },
        hours,
        electricity_usd_per_kwh: usd,
        energy_cost_usd: usd.map(|p| totals.facility_energy_mwh * 1e3 * p),
        grid_gco2_per_kwh: gco2,
        carbon_tco2e: gco2.map(|g| totals.facility_energy_mwh * g / 1e3),
        claimed_pue: r.claimed_pue,
        load_note: r.load_note.clone(),
        hottest_hour_dry_bulb_c: weather.dry_bulb_c.iter().copied().fold(f64::NEG_INFINITY, f64::max),
        totals,
    };
    (report, Hourly { weather, year })
}

/// The hourly detail as CSV.
pub fn hourly_csv(h: &Hourly) -> String {
    let mut s = String::from(
        "hour,month,dry_bulb_c,wet_bulb_c,it_kw,electrical_kw,pumps_kw,rejection_kw,air_kw,misc_kw,total_kw,pue,water_l,mode\n",
    );
    for (i, (x, mode)) in h.year.hours.iter().zip(&h.year.modes).enumerate() {
        let Hour { it_kw, electrical_kw, pumps_kw, rejection_kw, air_kw, misc_kw, water_l } = *x;
        let mode = match mode {
            Mode::Dry => "dry",
            Mode::Evaporative => "evaporative",
            Mode::Chiller => "chiller",
        };
        let pue = if it_kw > 0.0 { format!("{:.4}", x.pue()) } else { String::new() };
        s.push_str(&format!(
            "{i},{},{:.2},{:.2},{it_kw:.1},{electrical_kw:.1},{pumps_kw:.1},{rejection_kw:.1},{air_kw:.1},{misc_kw:.1},{:.1},{pue},{water_l:.1},{mode}\n",
            h.weather.month[i] + 1,
            h.weather.dry_bulb_c[i],
            h.weather.wet_bulb_c[i],
            x.total_kw(),
        ));
    }
    s
}
