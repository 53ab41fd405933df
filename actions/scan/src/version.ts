/** The version the SARIF's tool.driver and the logs name; kept with the action's package.json. */
export const VERSION = '0.1.0';
