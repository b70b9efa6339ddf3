// Machine-readable summary next to the HTML report (K6_WEB_DASHBOARD_EXPORT) in the run's results folder.
export function handleSummary(data) {
    const out = {};
    out[__ENV.SUMMARY_JSON || 'summary.json'] = JSON.stringify(data, null, 2);
    return out;
}
