/** Entry point of one UDP server process (see src/conduit/udp-server.ts); config as JSON in argv[2]. */
import { runUdpServer, type UdpServerConfig } from '../src/conduit/udp-server.js';

runUdpServer(JSON.parse(process.argv[2] as string) as UdpServerConfig);
