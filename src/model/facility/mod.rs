//! Facility power, cooling and water hour by hour: IT load in, facility energy
//! out, from the physics of each stage rather than a fixed PUE.
//!
//! Per hour, with IT power `P` on a hall designed for `C`:
//! - **electrical chain** (transformer, UPS, distribution): each device loses
//!   `a·R + b·L + c·L²/R` at load `L` on rating `R` (no-load, proportional and
//!   square-law terms; Schneider Electric white papers 108 and 113), so the
//!   fixed term makes PUE rise at low load; redundancy rates the UPS and
//!   distribution above `C`;
//! - **liquid loop** (direct-to-chip): a share of the IT heat goes into the
//!   coolant; flow `ṁ = Q/(c_p·ΔT)`, pump power `ṁ/ρ·Δp/η` for the rack-side
//!   (TCS) and facility-side (FWS) loops;
//! - **heat rejection**, chosen by the hour's weather: a dry cooler while the
//!   dry bulb is cold enough for the supply temperature (fan power by the
//!   affinity law), adiabatic spray while the wet bulb is (water used), and a
//!   chiller trimming what neither can reach, with COP a fixed fraction of
//!   Carnot at the hour's condenser temperature;
//! - **air side**: CRAH fans and a chilled-water plant (its own economiser and
//!   chiller, by the same rules) for the heat left to air, and for the heat
//!   the UPS and distribution lose;
//! - **other**: lighting, controls, offices, a fixed share of capacity.
//!
//! The metering boundary is the rack input: power shelves, server fans and
//! in-rack pumps are IT.

pub mod climate;

use climate::Weather;
use serde::Serialize;

/// How the hall removes heat.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Cooling {
    /// Direct-to-chip liquid on facility water; the rest by air.
    Liquid,
    /// Everything by air: CRAHs on chilled water.
    Air,
    /// Liquid-cooled racks in an air-cooled hall: liquid-to-air heat
    /// exchangers (like Azure's HXU sidecars) dump the coolant's heat into
    /// the room, so the air side removes all of it.
    Hybrid,
}

impl Cooling {
    /// Name as written on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Self::Liquid => "liquid",
            Self::Air => "air",
            Self::Hybrid => "hybrid",
        }
    }
}

/// UPS topology.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Ups {
    /// Double conversion (online): every watt rectified and inverted.
    DoubleConversion,
    /// Eco mode: bypass in normal operation, inverter on standby.
    Eco,
}

impl Ups {
    /// Name as written on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Self::DoubleConversion => "double-conversion",
            Self::Eco => "eco",
        }
    }
}

/// A device's losses as shares of its rating: `a·R + b·L + c·L²/R`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Losses {
    /// No-load share of the rating.
    pub no_load: f64,
    /// Share of the load.
    pub proportional: f64,
    /// Square-law share at full rating.
    pub square: f64,
}

impl Losses {
    /// Loss at `load` on `rating` (same unit).
    pub fn at(&self, load: f64, rating: f64) -> f64 {
        if rating <= 0.0 {
            return 0.0;
        }
        self.no_load * rating + self.proportional * load + self.square * load * load / rating
    }
}

/// A hall's physical parameters (`data/facility.toml` gives the defaults
/// with their sources).
#[derive(Debug, Clone, PartialEq)]
pub struct Params {
    /// Electrical capacity installed per watt of IT capacity (2N = 2).
    pub redundancy: f64,
    /// Medium- to low-voltage transformers.
    pub transformer: Losses,
    /// Double-conversion UPS.
    pub ups_double_conversion: Losses,
    /// Eco-mode UPS.
    pub ups_eco: Losses,
    /// Switchgear, busway, PDUs and cabling.
    pub distribution: Losses,
    /// Coolant specific heat \[kJ/(kg·K)\].
    pub coolant_cp: f64,
    /// Coolant density \[kg/m³\].
    pub coolant_density: f64,
    /// Coolant temperature rise across the racks \[K\].
    pub liquid_delta_t: f64,
    /// Rack-side (TCS) loop pressure drop \[kPa\].
    pub tcs_dp_kpa: f64,
    /// Facility-side (FWS) loop pressure drop \[kPa\].
    pub fws_dp_kpa: f64,
    /// Pump and motor efficiency.
    pub pump_efficiency: f64,
    /// CDU heat-exchanger approach: facility water is this much colder than the rack supply \[K\].
    pub cdu_approach: f64,
    /// Dry cooler approach to the dry bulb \[K\].
    pub dry_approach: f64,
    /// Dry-cooler fan power at full airflow, as a share of the design heat rejected.
    pub dry_fan_share: f64,
    /// Adiabatic/evaporative approach to the wet bulb \[K\].
    pub wet_approach: f64,
    /// Spray and sump pump power, as a share of the heat rejected while evaporating.
    pub spray_pump_share: f64,
    /// Latent heat of evaporation \[kJ/kg\].
    pub latent_heat: f64,
    /// Cycles of concentration (blowdown = evaporation / (cycles - 1)).
    pub cycles: f64,
    /// Chiller rating point: COP at the AHRI condition.
    pub chiller_rated_cop: f64,
    /// Leaving chilled water at the rating point \[°C\].
    pub chiller_rated_chw_c: f64,
    /// Entering condenser water at the rating point \[°C\].
    pub chiller_rated_cw_c: f64,
    /// Evaporator approach: refrigerant below leaving chilled water \[K\].
    pub evaporator_approach: f64,
    /// Condenser lift: refrigerant above entering condenser water (range plus approach) \[K\].
    pub condenser_lift: f64,
    /// Highest COP a chiller reaches however small the lift.
    pub chiller_max_cop: f64,
    /// CRAH/CRAC fan power as a share of the heat they move.
    pub crah_fan_share: f64,
    /// Water specific heat \[kJ/(kg·K)\] (chilled-water loop).
    pub water_cp: f64,
    /// Water density \[kg/m³\].
    pub water_density: f64,
    /// Chilled-water temperature rise \[K\].
    pub chw_delta_t: f64,
    /// Chilled-water loop pressure drop \[kPa\].
    pub chw_dp_kpa: f64,
    /// Lighting, controls, security and offices, as a share of IT capacity.
    pub misc_share: f64,
}

impl Params {
    /// The chiller's fraction of Carnot, fixed by its rating point.
    pub fn carnot_fraction(&self) -> f64 {
        let te = self.chiller_rated_chw_c - self.evaporator_approach + 273.15;
        let tc = self.chiller_rated_cw_c + self.condenser_lift + 273.15;
        self.chiller_rated_cop / (te / (tc - te))
    }

    /// Chiller COP making `chw_c` water with condenser water entering at `cw_c`.
    pub fn chiller_cop(&self, chw_c: f64, cw_c: f64) -> f64 {
        let te = chw_c - self.evaporator_approach + 273.15;
        let tc = cw_c + self.condenser_lift + 273.15;
        let lift = (tc - te).max(1.0);
        (self.carnot_fraction() * te / lift).min(self.chiller_max_cop)
    }
}

/// What a hall is and how it is run.
#[derive(Debug, Clone, PartialEq)]
pub struct Design {
    /// IT capacity the hall is built for \[kW\].
    pub capacity_kw: f64,
    /// Cooling design.
    pub cooling: Cooling,
    /// Share of IT heat captured by liquid at the rack (ignored for air).
    pub liquid_capture: f64,
    /// Coolant supply at the rack inlet for liquid designs, chilled-water
    /// supply for air and hybrid ones \[°C\].
    pub supply_c: f64,
    /// Chilled-water supply of the air side of a liquid hall \[°C\].
    pub air_chw_c: f64,
    /// Evaporative (adiabatic) heat rejection allowed; false = zero-water.
    pub evaporative: bool,
    /// UPS topology.
    pub ups: Ups,
    /// Physical parameters.
    pub params: Params,
}

/// Which heat-rejection regime an hour ran in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// Dry coolers alone.
    Dry,
    /// Dry coolers with adiabatic spray (water), no compressor.
    Evaporative,
    /// A chiller trims what the economiser cannot reach.
    Chiller,
}

/// One hour's power \[kW\] and water \[L\].
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
pub struct Hour {
    /// IT power.
    pub it_kw: f64,
    /// Transformer, UPS and distribution losses.
    pub electrical_kw: f64,
    /// Liquid-loop pumps (CDU and facility water; for hybrid, the in-row
    /// exchangers' pumps and fans).
    pub pumps_kw: f64,
    /// Heat rejection of the main loop: fans, spray, chiller compressors.
    pub rejection_kw: f64,
    /// Air side: CRAH fans, chilled-water pumps and plant.
    pub air_kw: f64,
    /// Lighting and other loads.
    pub misc_kw: f64,
    /// Water consumed (evaporation and blowdown) \[L\].
    pub water_l: f64,
}

impl Hour {
    /// Cooling power.
    pub fn cooling_kw(&self) -> f64 {
        self.pumps_kw + self.rejection_kw + self.air_kw
    }

    /// Total facility power.
    pub fn total_kw(&self) -> f64 {
        self.it_kw + self.electrical_kw + self.cooling_kw() + self.misc_kw
    }

    /// Power usage effectiveness of the hour (infinite when there is no IT
    /// load).
    pub fn pue(&self) -> f64 {
        if self.it_kw > 0.0 { self.total_kw() / self.it_kw } else { f64::INFINITY }
    }
}

/// What one heat-rejection loop draws in an hour.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Rejected {
    kw: f64,
    water_l: f64,
    mode: Mode,
}

/// A water loop whose heat goes outdoors.
#[derive(Debug, Clone, Copy)]
struct Loop {
    /// Supply temperature \[°C\].
    supply_c: f64,
    /// Return minus supply \[K\].
    delta_t: f64,
    /// Heat at design load \[kW\].
    design_kw: f64,
}

/// Rejects `q` kW of heat from loop `lp` in air at `db`/`wb` °C.
fn reject(p: &Params, lp: Loop, q: f64, db: f64, wb: f64, evap: bool) -> Rejected {
    let Loop { supply_c, delta_t, design_kw: q_design } = lp;
    if q <= 0.0 || q_design <= 0.0 {
        return Rejected { kw: 0.0, water_l: 0.0, mode: Mode::Dry };
    }
    let ret = supply_c + delta_t;
    // Share of the heat the dry coil can take: it cools return water down to db + approach.
    let dry_share = ((ret - p.dry_approach - db) / delta_t).clamp(0.0, 1.0);
    let wet_share = if evap { ((ret - p.wet_approach - wb) / delta_t).clamp(0.0, 1.0) } else { 0.0 };
    let load = q / q_design;
    let fan_design = p.dry_fan_share * q_design;
    // kg/h of water per kW evaporated, with blowdown.
    let water_per_kw = 3600.0 / p.latent_heat * p.cycles / (p.cycles - 1.0);
    if dry_share >= 1.0 {
        // Airflow falls as the air gets colder than the water; power by the cube.
        let flow = (load * p.dry_approach / (supply_c - db).max(p.dry_approach)).min(1.0);
        return Rejected { kw: fan_design * flow.powi(3), water_l: 0.0, mode: Mode::Dry };
    }
    if wet_share >= 1.0 {
        let latent = (1.0 - dry_share) * q;
        return Rejected {
            kw: fan_design * load.min(1.0).powi(3) + p.spray_pump_share * q,
            water_l: latent * water_per_kw,
            mode: Mode::Evaporative,
        };
    }
    let econ = dry_share.max(wet_share);
    let condenser = if evap { wb + p.wet_approach } else { db + p.dry_approach };
    let chilled = (1.0 - econ) * q;
    let compressor = chilled / p.chiller_cop(supply_c, condenser);
    let (spray, water) =
        if evap { (p.spray_pump_share * q, ((1.0 - dry_share) * q + compressor) * water_per_kw) } else { (0.0, 0.0) };
    Rejected { kw: fan_design + spray + compressor, water_l: water, mode: Mode::Chiller }
}

/// Pump power \[kW\] moving `q` kW of heat at `delta_t` through `dp_kpa`
/// in the glycol coolant.
fn pump_kw(p: &Params, q: f64, delta_t: f64, dp_kpa: f64) -> f64 {
    pump_fluid_kw(p, q, delta_t, dp_kpa, p.coolant_cp, p.coolant_density)
}

/// Pump power \[kW\] for a fluid of specific heat `cp` \[kJ/(kg·K)\] and
/// density `rho` \[kg/m³\].
fn pump_fluid_kw(p: &Params, q: f64, delta_t: f64, dp_kpa: f64, cp: f64, rho: f64) -> f64 {
    let kg_per_s = q / (cp * delta_t);
    kg_per_s / rho * dp_kpa / p.pump_efficiency
}

impl Design {
    /// Liquid share of the IT heat.
    fn capture(&self) -> f64 {
        match self.cooling {
            Cooling::Air => 0.0,
            Cooling::Liquid | Cooling::Hybrid => self.liquid_capture.clamp(0.0, 1.0),
        }
    }

    /// One hour at IT power `it_kw` in air at `db`/`wb` °C.
    pub fn hour(&self, it_kw: f64, db: f64, wb: f64) -> (Hour, Mode) {
        let p = &self.params;
        let cap = self.capacity_kw;
        let it = it_kw.max(0.0);
        let rated = cap * self.redundancy();
        let ups = match self.ups {
            Ups::DoubleConversion => p.ups_double_conversion,
            Ups::Eco => p.ups_eco,
        };
        let ups_loss = ups.at(it, rated);
        let dist_loss = p.distribution.at(it, rated);
        // The air side also removes what the UPS and distribution lose at full load.
        let elec_design = ups.at(cap, rated) + p.distribution.at(cap, rated);
        let misc = p.misc_share * cap;
        let capture = self.capture();
        let q_liquid = capture * it;
        let (pumps, main, air_heat, air_heat_design, air_chw) = match self.cooling {
            Cooling::Liquid => {
                let fws_c = self.supply_c - p.cdu_approach;
                let pumps = pump_kw(p, q_liquid, p.liquid_delta_t, p.tcs_dp_kpa + p.fws_dp_kpa);
                let lp = Loop { supply_c: fws_c, delta_t: p.liquid_delta_t, design_kw: capture * cap };
                let main = reject(p, lp, q_liquid, db, wb, self.evaporative);
                let air = (1.0 - capture) * it + ups_loss + dist_loss;
                (pumps, Some(main), air, (1.0 - capture) * cap + elec_design, self.air_chw_c)
            }
            Cooling::Hybrid => {
                // In-row heat exchangers: rack-loop pumps and their fans move the liquid share to room air.
                let pumps = pump_kw(p, q_liquid, p.liquid_delta_t, p.tcs_dp_kpa) + p.crah_fan_share * q_liquid;
                (pumps, None, it + ups_loss + dist_loss, cap + elec_design, self.supply_c)
            }
            Cooling::Air => (0.0, None, it + ups_loss + dist_loss, cap + elec_design, self.supply_c),
        };
        let crah = p.crah_fan_share * air_heat;
        let chw_pumps = pump_fluid_kw(p, air_heat, p.chw_delta_t, p.chw_dp_kpa, p.water_cp, p.water_density);
        let chw = Loop { supply_c: air_chw, delta_t: p.chw_delta_t, design_kw: air_heat_design.max(1e-9) };
        let plant = reject(p, chw, air_heat, db, wb, self.evaporative);
        let mode = main.map_or(plant.mode, |m| m.mode);
        let rejection = main.map_or(0.0, |m| m.kw);
        let water = main.map_or(0.0, |m| m.water_l) + plant.water_l;
        let air = crah + chw_pumps + plant.kw;
        let downstream = it + ups_loss + dist_loss + pumps + rejection + air + misc;
        let transformer = p.transformer.at(downstream, rated);
        let hour = Hour {
            it_kw: it,
            electrical_kw: ups_loss + dist_loss + transformer,
            pumps_kw: pumps,
            rejection_kw: rejection,
            air_kw: air,
            misc_kw: misc,
            water_l: water,
        };
        (hour, mode)
    }

    /// Installed electrical capacity per watt of IT capacity.
    fn redundancy(&self) -> f64 {
        self.params.redundancy.max(1.0)
    }

    /// A year (or any run of hours) of IT load through the weather.
    /// `it_kw(h)` gives the IT power of hour `h`.
    pub fn run(&self, weather: &Weather, it_kw: impl Fn(usize) -> f64) -> Year {
        let mut y = Year::default();
        let n = weather.len();
        y.hours.reserve_exact(n);
        y.modes.reserve_exact(n);
        for h in 0..n {
            let (hour, mode) = self.hour(it_kw(h), weather.dry_bulb_c[h], weather.wet_bulb_c[h]);
            y.hours.push(hour);
            y.modes.push(mode);
        }
        y
    }
}

/// Hourly results of a run.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Year {
    /// Power and water per hour.
    pub hours: Vec<Hour>,
    /// Heat-rejection regime per hour.
    pub modes: Vec<Mode>,
}

/// Annual totals and ratios of a run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Totals {
    /// Facility energy over IT energy.
    pub annual_pue: f64,
    /// The highest hourly PUE.
    pub peak_hour_pue: f64,
    /// The highest hourly facility power \[MW\] (what the grid connection must carry).
    pub peak_facility_mw: f64,
    /// PUE of each month (January first); none for a month the run missed.
    pub monthly_pue: Vec<Option<f64>>,
    /// (IT + electrical losses) / IT.
    pub partial_pue_electrical: f64,
    /// (IT + cooling) / IT.
    pub partial_pue_cooling: f64,
    /// Litres of water per kWh of IT energy.
    pub wue_l_per_kwh: f64,
    /// IT energy \[MWh\].
    pub it_energy_mwh: f64,
    /// Electrical-chain losses \[MWh\].
    pub electrical_mwh: f64,
    /// Cooling energy: pumps, heat rejection and air side \[MWh\].
    pub cooling_mwh: f64,
    /// Lighting and other loads \[MWh\].
    pub misc_mwh: f64,
    /// Facility energy \[MWh\].
    pub facility_energy_mwh: f64,
    /// Water consumed \[m³\].
    pub water_m3: f64,
    /// Hours in each heat-rejection regime of the main loop.
    pub cooling_mode_hours: ModeHours,
}

/// Hours per regime.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct ModeHours {
    /// Dry coolers alone.
    pub dry: u32,
    /// Adiabatic spray.
    pub evaporative: u32,
    /// Chiller trim.
    pub chiller: u32,
}

impl Year {
    /// Totals over the run; `month[h]` is the month of hour `h`.
    pub fn totals(&self, month: &[u8]) -> Totals {
        let mut it = 0.0;
        let mut elec = 0.0;
        let mut cool = 0.0;
        let mut misc = 0.0;
        let mut total = 0.0;
        let mut water = 0.0;
        let mut peak_pue: f64 = 1.0;
        let mut peak_kw: f64 = 0.0;
        let mut m_it = [0.0; 12];
        let mut m_tot = [0.0; 12];
        for (h, x) in self.hours.iter().enumerate() {
            let t = x.total_kw();
            it += x.it_kw;
            elec += x.electrical_kw;
            cool += x.cooling_kw();
            misc += x.misc_kw;
            total += t;
            water += x.water_l;
            if x.it_kw > 0.0 {
                peak_pue = peak_pue.max(t / x.it_kw);
            }
            peak_kw = peak_kw.max(t);
            let m = usize::from(month.get(h).copied().unwrap_or(0)).min(11);
            m_it[m] += x.it_kw;
            m_tot[m] += t;
        }
        let ratio = |a: f64, b: f64| if b > 0.0 { a / b } else { 0.0 };
        let mut modes = ModeHours::default();
        for m in &self.modes {
            match m {
                Mode::Dry => modes.dry += 1,
                Mode::Evaporative => modes.evaporative += 1,
                Mode::Chiller => modes.chiller += 1,
            }
        }
        Totals {
            annual_pue: ratio(total, it),
            peak_hour_pue: peak_pue,
            peak_facility_mw: peak_kw / 1e3,
            monthly_pue: (0..12).map(|m| (m_it[m] > 0.0).then(|| m_tot[m] / m_it[m])).collect(),
            partial_pue_electrical: ratio(it + elec, it),
            partial_pue_cooling: ratio(it + cool, it),
            wue_l_per_kwh: ratio(water, it),
            it_energy_mwh: it / 1e3,
            electrical_mwh: elec / 1e3,
            cooling_mwh: cool / 1e3,
            misc_mwh: misc / 1e3,
            facility_energy_mwh: total / 1e3,
            water_m3: water / 1e3,
            cooling_mode_hours: modes,
        }
    }
}

#[cfg(test)]
mod tests;
