// The shared-information service's own process (the distributed mode): see README.md, "Distributed mode".
import { carePlansModule } from '@carenet/care-plans';
import { runServiceProcess } from '@carenet/runtime';
import { tasksModule } from '@carenet/tasks';
import { sharedInfoModule } from '@carenet/shared-info';

await runServiceProcess(sharedInfoModule, [tasksModule, carePlansModule]);
