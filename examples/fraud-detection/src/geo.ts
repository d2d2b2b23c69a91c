/** A city where merchants trade and card holders live. */
export interface City {
  /** City name, for logs. */
  name: string;
  /** Latitude, degrees. */
  lat: number;
  /** Longitude, degrees. */
  lon: number;
}

/** The cities the generator places merchants in: a spread across continents, so travel can be near or far. */
export const CITIES: readonly City[] = [
  { name: "London", lat: 51.507, lon: -0.128 },
  { name: "Paris", lat: 48.857, lon: 2.352 },
  { name: "Berlin", lat: 52.52, lon: 13.405 },
  { name: "Madrid", lat: 40.417, lon: -3.704 },
  { name: "Rome", lat: 41.903, lon: 12.496 },
  { name: "Amsterdam", lat: 52.368, lon: 4.904 },
  { name: "Warsaw", lat: 52.23, lon: 21.012 },
  { name: "Stockholm", lat: 59.329, lon: 18.069 },
  { name: "Istanbul", lat: 41.008, lon: 28.978 },
  { name: "Dubai", lat: 25.205, lon: 55.271 },
  { name: "Mumbai", lat: 19.076, lon: 72.878 },
  { name: "Singapore", lat: 1.352, lon: 103.82 },
  { name: "Tokyo", lat: 35.676, lon: 139.65 },
  { name: "Sydney", lat: -33.869, lon: 151.209 },
  { name: "New York", lat: 40.713, lon: -74.006 },
  { name: "Chicago", lat: 41.878, lon: -87.63 },
  { name: "San Francisco", lat: 37.775, lon: -122.419 },
  { name: "Toronto", lat: 43.653, lon: -79.383 },
  { name: "Mexico City", lat: 19.433, lon: -99.133 },
  { name: "São Paulo", lat: -23.551, lon: -46.633 },
  { name: "Johannesburg", lat: -26.204, lon: 28.047 },
  { name: "Lagos", lat: 6.524, lon: 3.379 },
];

const EARTH_RADIUS_KM = 6371;
const RAD = Math.PI / 180;

/** The great-circle (haversine) distance between two points, in km. */
export function distanceKm(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const dLat = (lat2 - lat1) * RAD;
  const dLon = (lon2 - lon1) * RAD;
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * RAD) * Math.cos(lat2 * RAD) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(a)));
}
