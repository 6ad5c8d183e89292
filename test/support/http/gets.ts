/**
 * Every GET route of the API, each with a URL that answers 200 from a server
 * over the fixtures (a stored packet's hash, a known node's key): the route
 * as the OpenAPI document names it, then the URL to fetch.
 */
export function getRoutes(hash: string, key: string): [route: string, url: string][] {
  return [
    ["/api/health", "/api/health"],
    ["/api/stats", "/api/stats"],
    ["/api/packets", "/api/packets?limit=10"],
    ["/api/packets", "/api/packets?limit=10&group=1"],
    ["/api/packets/{hash}", `/api/packets/${hash}`],
    ["/api/nodes", "/api/nodes?sort=name"],
    ["/api/nodes/{publicKey}", `/api/nodes/${key}`],
    ["/api/graph", "/api/graph?minConfidence=0.5"],
    ["/api/collisions", "/api/collisions"],
    ["/api/analytics", "/api/analytics?kind=packets&range=1h"],
    ["/api/channels", "/api/channels"],
    ["/api/channels/messages", "/api/channels/messages?channel=%23test&limit=3"],
    ["/api/radios", "/api/radios"],
    ["/api/mqtt", "/api/mqtt"],
    ["/api/config", "/api/config"],
  ];
}
