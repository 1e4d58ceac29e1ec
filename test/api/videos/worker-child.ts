/**
 * A job worker in its own process (like a second server), for the crash test: it connects to the
 * test server's database, runs `videos.process` jobs, and can be killed with SIGKILL mid-transcode.
 * Configuration comes from the environment (MONGODB_URI, DATA_DIR, UPLOADS_DIR, VIDEO_JOB_LEASE_MS).
 */
import mongoose from 'mongoose'
import '../../../server/core/db.js'
import { loadConfig, setActiveConfig } from '../../../server/core/config.js'
import { registerJobs, startJobWorker } from '../../../server/core/jobs.js'
import { createLogger, setLogger } from '../../../server/core/logger.js'
import { processingJobs } from '../../../server/modules/videos/videos.jobs.js'

const config = loadConfig(process.env)
setActiveConfig(config)
setLogger(createLogger(config.logLevel))
await mongoose.connect(config.mongodbUri!, { dbName: config.mongodbDb })
registerJobs(processingJobs({ leaseMs: config.videoJobLeaseMs }))
startJobWorker({ concurrency: 1, pollMs: 200 })
process.stdout.write('ready\n')
