/** Every long-lived part of the daemon; stopped in reverse start order. */
export interface Service {
  readonly name: string;
  start(): Promise<void>;
  stop(): Promise<void>;
}
