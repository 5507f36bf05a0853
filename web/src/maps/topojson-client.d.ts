// The one function of topojson-client the Threat Map uses (the package has no types).
declare module 'topojson-client' {
  export function feature(topology: unknown, object: unknown): { type: 'FeatureCollection'; features: unknown[] }
}
