//! The `facility` pipeline: a site's weather and an IT load through the
//! facility model, into energy, water, cost and carbon.

use crate::catalog::{Catalog, fmt_num};
use crate::catalog::{Site, SiteClimate, Tariff};
use crate::data;
use crate::error::UsageError;
use crate::model::facility::climate::{Normals, Weather};
use crate::model::facility::{Cooling, Design, Hour, Mode, Totals, Ups, Year};
use crate::scenario::Scenario;
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

/// What `facility` is asked besides a scenario (flags win over the scenario).
#[derive(Debug, Clone, Default)]
pub struct Inputs {
    /// Site id.
    pub site: Option<String>,
    /// IT capacity \[MW\].
    pub it_load_mw: Option<f64>,
    /// Share of IT capacity drawn.
    pub load_factor: Option<f64>,
    /// Cooling design.
    pub cooling: Option<Cooling>,
    /// Coolant or chilled-water supply \[°C\].
    pub supply_temp_c: Option<f64>,
    /// UPS mode.
    pub ups: Option<Ups>,
    /// Installed electrical capacity per unit of IT capacity.
    pub redundancy: Option<f64>,
    /// No evaporative cooling.
    pub zero_water: bool,
    /// Hourly weather file.
    pub weather: Option<std::path::PathBuf>,
    /// Hourly IT power file.
    pub it_series: Option<std::path::PathBuf>,
    /// Electricity price \[USD/kWh\].
    pub price: Option<f64>,
}

/// The whole `facility` command: a scenario (optional) and flags in, the
/// year's report and its hourly table out.
pub fn run_inputs(
    a: &Inputs,
    scenario: Option<&Scenario>,
    catalog: &Catalog,
) -> anyhow::Result<(String, FacilityReport, Hourly)> {
    run_loaded(a, scenario, catalog, None)
}

/// [`run_inputs`] with the hall's capacity \[kW\], load and load note
/// `given` (a simulated IT series, from [`series_load`]) rather than read
/// from the flags.
pub fn run_loaded(
    a: &Inputs,
    scenario: Option<&Scenario>,
    catalog: &Catalog,
    given: Option<(f64, Load, Option<String>)>,
) -> anyhow::Result<(String, FacilityReport, Hourly)> {
    let sf = scenario.map(|s| &s.facility);
    let site_id = a.site.clone().or_else(|| sf.and_then(|f| f.site.as_ref().map(ToString::to_string)));
    let site = site_id.as_deref().map(|id| catalog.sites.get(id)).transpose()?;
    let tariff = site.and_then(|s| catalog.tariffs.find(s.tariff.get_ref()));
    let (capacity_kw, load, load_note) = match given {
        Some(x) => x,
        None => load(a, scenario, catalog)?,
    };
    let design = design(a, scenario, catalog, capacity_kw)?;
    let (weather, weather_source) = weather(a, sf, site)?;
    if let Some(p) = a.price.filter(|p| !(*p >= 0.0 && *p <= 5.0)) {
        return Err(UsageError(format!(
            "--price is {}; give USD per kWh from 0 to 5 (tariffs are 0.03-0.30)",
            fmt_num(p)
        ))
        .into());
    }
    // A scenario's price belongs to its own site: `--site` elsewhere takes that site's tariff.
    let same_site = a.site.is_none() || sf.and_then(|f| f.site.as_ref()).map(ToString::to_string) == site_id;
    let scenario_price = sf.filter(|_| same_site).and_then(|f| f.electricity_usd_per_kwh);
    let usd_per_kwh = a.price.or(scenario_price).or(tariff.map(|t| t.usd_per_kwh.value));
    let claimed_pue = sf.and_then(|f| f.pue);
    let req = Request { site, tariff, design, weather, weather_source, load, usd_per_kwh, claimed_pue, load_note };
    let (report, hourly) = run(&req);
    Ok((format!("facility-{}", site_id.as_deref().unwrap_or("weather")), report, hourly))
}

/// The hall's IT capacity \[kW\] and load over the run, with a note on how
/// the load was built when it is not what was given.
pub fn load(
    a: &Inputs,
    scenario: Option<&Scenario>,
    catalog: &Catalog,
) -> anyhow::Result<(f64, crate::pipeline::facility::Load, Option<String>)> {
    use crate::pipeline::facility::Load;
    if let Some(mw) = a.it_load_mw.filter(|mw| !(*mw > 0.0 && mw.is_finite() && *mw <= 10_000.0)) {
        return Err(UsageError(format!(
            "--it-load-mw is {mw}; give the hall's IT capacity in MW, above 0 and at most 10,000"
        ))
        .into());
    }
    if let Some(f) = a.load_factor.filter(|f| !(*f > 0.0 && *f <= 1.0)) {
        return Err(UsageError(format!(
            "--load-factor is {f}; give the share of IT capacity drawn, above 0 and at most 1"
        ))
        .into());
    }
    let scenario_power = scenario.map(|s| super::cluster_power(s, catalog)).transpose()?;
    let Some(path) = &a.it_series else {
        let capacity_kw = match (a.it_load_mw, &scenario_power) {
            (Some(mw), _) => mw * 1e3,
            (None, Some(p)) => p.nameplate_w() / 1e3,
            (None, None) => {
                return Err(UsageError(
                    "give the IT load: --it-load-mw MW, a scenario file, or --it-series CSV".to_owned(),
                )
                .into());
            }
        };
        // A scenario's utilization: that share of nodes training, the rest idle.
        let factor = match (a.load_factor, scenario, &scenario_power) {
            (Some(f), _, _) => f,
            (None, Some(s), Some(p)) => p.at(s.workload.utilization.get()) / p.nameplate_w(),
            _ => 1.0,
        };
        return Ok((capacity_kw, Load::Constant(factor), None));
    };
    if a.load_factor.is_some() {
        return Err(UsageError("give either --it-series or --load-factor, not both".to_owned()).into());
    }
    let shown = path.display().to_string();
    let text = crate::fsutil::read_text(path, "IT series")?;
    let series = crate::input::weather::parse_it_series(&shown, &text)?;
    let peak = series.iter().copied().fold(0.0, f64::max);
    if peak <= 0.0 {
        return Err(UsageError(format!("{shown}: the IT series never draws power; a PUE needs some IT load")).into());
    }
    let capacity_kw = match (a.it_load_mw, &scenario_power) {
        (Some(mw), _) => mw * 1e3,
        (None, Some(p)) => p.nameplate_w() / 1e3,
        (None, None) => peak,
    };
    if peak > capacity_kw * 1.0001 {
        return Err(UsageError(format!(
            "{shown}: the IT series peaks at {:.3} MW, above the hall's IT capacity of {:.3} MW; give a larger --it-load-mw",
            peak / 1e3,
            capacity_kw / 1e3
        ))
        .into());
    }
    let (load, note) = series_load(series);
    Ok((capacity_kw, load, note))
}

/// An hourly IT series \[kW\] as a year's load: a series shorter than a
/// year (a month of simulation) is repeated to fill it, and says so.
pub fn series_load(series: Vec<f64>) -> (Load, Option<String>) {
    use crate::model::facility::climate::HOURS;
    let n = series.len();
    if n == 0 || n >= HOURS {
        return (Load::Series(series), None);
    }
    let note = format!("the IT series' {n} hours are repeated to fill the year");
    (Load::Series((0..HOURS).map(|h| series[h % n]).collect()), Some(note))
}

/// The hall's design: cooling, supply temperature, UPS, redundancy, water.
pub fn design(
    a: &Inputs,
    scenario: Option<&Scenario>,
    catalog: &Catalog,
    capacity_kw: f64,
) -> anyhow::Result<crate::model::facility::Design> {
    use crate::model::facility::{Cooling, Design, Ups};
    let defaults = data::facility_defaults();
    let sf = scenario.map(|s| &s.facility);
    let system = scenario.map(|s| catalog.systems.get(s.cluster.system.as_str())).transpose()?;
    let system_cooling = system.map(|s| s.cooling);
    let cooling = a
        .cooling
        .or_else(|| sf.and_then(|f| f.cooling))
        .or_else(|| {
            system_cooling.map(|c| match c {
                crate::catalog::Cooling::Liquid | crate::catalog::Cooling::Immersion => Cooling::Liquid,
                crate::catalog::Cooling::Air => Cooling::Air,
            })
        })
        .unwrap_or(Cooling::Liquid);
    // Immersion tanks put all the heat into the fluid.
    let capture =
        if system_cooling == Some(crate::catalog::Cooling::Immersion) { 1.0 } else { defaults.liquid.capture.value };
    let (lo, hi) = crate::scenario::supply_range(cooling);
    let (given, from) = match (a.supply_temp_c, sf.and_then(|f| f.supply_temp_c)) {
        (Some(t), _) => (Some(t), "--supply-temp-c"),
        (None, Some(t)) => (Some(t), "the scenario's `facility.supply_temp_c`"),
        (None, None) => (None, ""),
    };
    let supply = match given {
        Some(t) if !(lo..=hi).contains(&t) => {
            return Err(UsageError(format!(
                "{from} is {t} °C, outside the design range of {} cooling; give {lo}-{hi} °C",
                cooling.name()
            ))
            .into());
        }
        Some(t) => t,
        None if cooling == Cooling::Liquid => defaults.liquid.supply_c.value,
        None => defaults.air.chw_supply_c.value,
    };
    let ups = a.ups.or_else(|| sf.and_then(|f| f.ups)).unwrap_or(Ups::DoubleConversion);
    let mut params = defaults.params();
    if let Some(r) = a.redundancy {
        if !(1.0..=3.0).contains(&r) {
            return Err(UsageError(format!(
                "--redundancy is {r}; give installed electrical capacity per unit of IT capacity, 1 (N) to 3"
            ))
            .into());
        }
        params.redundancy = r;
    }
    Ok(Design {
        capacity_kw,
        cooling,
        liquid_capture: capture,
        supply_c: supply,
        air_chw_c: defaults.air.chw_supply_c.value,
        evaporative: !(a.zero_water || sf.is_some_and(|f| f.zero_water)),
        ups,
        params,
    })
}

/// The weather year: a file, or the site's typical year.
pub fn weather(
    a: &Inputs,
    sf: Option<&crate::scenario::Facility>,
    site: Option<&crate::catalog::Site>,
) -> anyhow::Result<(crate::model::facility::climate::Weather, crate::pipeline::facility::WeatherSource)> {
    use crate::pipeline::facility::WeatherSource;
    let path = a.weather.as_ref().map(|p| p.display().to_string()).or_else(|| sf.and_then(|f| f.weather.clone()));
    match (path, site) {
        (Some(path), _) => {
            let text = crate::fsutil::read_text(std::path::Path::new(&path), "weather")?;
            let w = crate::input::weather::parse_weather(&path, &text)?;
            Ok((w, WeatherSource { kind: "file".to_owned(), from: path }))
        }
        (None, Some(s)) => {
            let Some(c) = &s.climate else {
                return Err(UsageError(format!(
                    "site `{}` has no climate table; give --weather CSV with its hourly weather",
                    s.id.get_ref()
                ))
                .into());
            };
            let c = c.get_ref();
            let from = format!("{}, {}", c.station, c.dataset);
            let year = crate::pipeline::facility::typical_year(c).ok_or_else(|| {
                UsageError(format!("the climate of site `{}` gives no humidity; give --weather CSV", s.id.get_ref()))
            })?;
            Ok((year, WeatherSource { kind: "typical year".to_owned(), from }))
        }
        (None, None) => {
            Err(UsageError("give --site ID (see `rackscale catalog list --kind site`) or --weather CSV".to_owned())
                .into())
        }
    }
}
